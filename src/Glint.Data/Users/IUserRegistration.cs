namespace Glint.Data.Users;

/// <summary>
/// Creates the user that a first successful login names. The wallet side implements it, so that a new user gets
/// their account and wallets in the same transaction as the user row, and never half of them.
/// </summary>
public interface IUserRegistration
{
    /// <summary>The new user, or null when a concurrent login registered the same email first.</summary>
    Task<User?> RegisterAsync(string email, CancellationToken cancellationToken);

    /// <summary>The new user of an E.164 phone number, or null when a concurrent login registered it first.</summary>
    Task<User?> RegisterPhoneAsync(string phone, CancellationToken cancellationToken);
}
