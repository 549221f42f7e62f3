namespace Glint.Data.Wallets;

/// <summary>
/// The alias an account gave another account it has paid or been paid by (Blink's contact alias). Only the account
/// that set it sees it.
/// </summary>
public sealed class AccountContact
{
    public Guid AccountId { get; set; }

    public Guid ContactAccountId { get; set; }

    public required string Alias { get; set; }
}
