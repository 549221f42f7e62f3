using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Glint.Login.Totp;

/// <summary>
/// A TOTP registration in progress (Blink's <c>totpRegistrationId</c>): the new secret travels protected in the id,
/// bound to its user and good for <see cref="Lifetime"/>, so nothing is stored until a first code proves the
/// authenticator app has it. The expiry is read on the server's clock.
/// </summary>
public sealed class TotpEnrolments(IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly IDataProtector _protector = protection.CreateProtector("glint.totp-registration");

    public string Begin(Guid userId, byte[] secret)
    {
        var expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        return _protector.Protect(FormattableString.Invariant($"{userId:D}|{expires}|{TotpAuthenticator.Base32(secret)}"));
    }

    /// <summary>The secret of <paramref name="registrationId"/>, unless it is forged, expired or another user's.</summary>
    public byte[]? SecretOf(Guid userId, string registrationId)
    {
        string payload;
        try
        {
            payload = _protector.Unprotect(registrationId);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var parts = payload.Split('|');
        return parts.Length == 3 && parts[0] == userId.ToString("D")
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && time.GetUtcNow().ToUnixTimeSeconds() < expires
                ? TotpAuthenticator.FromBase32(parts[2])
                : null;
    }
}
