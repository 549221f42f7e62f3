using Glint.Data;
using Glint.Data.Secrets;
using Glint.Data.Users;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using QRCoder;

namespace Glint.Login.Totp;

/// <summary>
/// RFC 6238 codes (SHA-1, six digits, 30-second steps: what every authenticator app speaks). Secrets are sealed at
/// rest under the system secret, bound to their user; an accepted step is spent, so a code works once.
/// </summary>
public sealed class TotpAuthenticator(KeySealer sealer, TimeProvider time)
{
    private const string Issuer = "Glint";

    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(20);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret);

    public static byte[]? FromBase32(string value)
    {
        try
        {
            return Base32Encoding.ToBytes(value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The <c>otpauth://</c> URI authenticator apps scan, and the same as an SVG QR code.</summary>
    public static (string Uri, string QrSvg) Enrolment(byte[] secret, string accountName)
    {
        var uri = new OtpUri(OtpType.Totp, secret, accountName, Issuer).ToString();
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return (uri, new SvgQRCode(data).GetGraphic(6));
    }

    /// <summary>The time step <paramref name="code"/> is valid for under <paramref name="secret"/>, allowing one step of clock drift.</summary>
    public long? Match(byte[] secret, string code)
    {
        var digits = new string([.. code.Where(char.IsAsciiDigit)]);
        if (digits.Length != 6)
        {
            return null;
        }

        var totp = new OtpNet.Totp(secret);
        return totp.VerifyTotp(time.GetUtcNow().UtcDateTime, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    /// <summary>
    /// Checks a login code and, if its step is newer than the last one spent, spends it in one conditional update on
    /// <paramref name="db"/> (inside the caller's transaction, if any). Two sign-ins of one user finishing at once, one by
    /// email and one by text message, do not share a lock; the condition makes the second find its step spent.
    /// </summary>
    public async Task<bool> TrySpendAsync(GlintDbContext db, User user, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (user.TotpSecret is null || Match(Unseal(user), code) is not { } step)
        {
            return false;
        }

        // The secret is part of the condition: a code checked against a secret replaced since the user was read spends nothing.
        var userId = user.Id;
        var secret = user.TotpSecret;
        var spent = await db.Users
            .Where(candidate => candidate.Id == userId && candidate.TotpSecret == secret && (candidate.TotpLastStep == null || candidate.TotpLastStep < step))
            .ExecuteUpdateAsync(set => set.SetProperty(candidate => candidate.TotpLastStep, step), cancellationToken);
        if (spent == 0)
        {
            return false;
        }

        user.TotpLastStep = step;
        var entry = db.Entry(user);
        if (entry.State != EntityState.Detached)
        {
            // The row already holds the step; a later save of the user must not write it again.
            entry.Property(candidate => candidate.TotpLastStep).OriginalValue = step;
        }

        return true;
    }

    public void Enable(User user, byte[] secret, long step)
    {
        user.TotpSecret = sealer.Seal(secret, Binding(user));
        user.TotpLastStep = step;
        user.TotpEnabledAt = time.GetUtcNow();
    }

    public static void Disable(User user)
    {
        user.TotpSecret = null;
        user.TotpLastStep = null;
        user.TotpEnabledAt = null;
    }

    private byte[] Unseal(User user) => sealer.Unseal(user.TotpSecret, Binding(user));

    private static string Binding(User user) => "totp:" + user.Id.ToString("D");
}
