namespace Glint.Data.Wallets;

/// <summary>
/// A wallet in one currency. <see cref="Balance"/> is materialised from the postings in the same transaction that
/// appends them, and only ever changed by a conditional update that cannot take it below zero.
/// </summary>
public sealed class Wallet
{
    public Guid Id { get; set; }

    public Guid AccountId { get; set; }

    /// <summary>BTC (amounts in sats) or USD (amounts in cents).</summary>
    public required string Currency { get; set; }

    public long Balance { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A copy of the row as read: a read shared by several requests gives each request its own.</summary>
    public Wallet Copy() => (Wallet)MemberwiseClone();
}
