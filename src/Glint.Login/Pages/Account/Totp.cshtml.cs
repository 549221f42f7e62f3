using Glint.Data;
using Glint.Data.Network;
using Glint.Data.Users;
using Glint.Login.Totp;
using Glint.Login.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Pages.Account;

/// <summary>
/// Turning TOTP on (scan, then prove it works with a first code) and off (with a current code). Until it is confirmed,
/// the new secret lives only in the form, protected and valid for ten minutes. Only turning it off is under the sign-in
/// limits (<see cref="AccountTotpCheck"/>): guessing the first code gains nothing, as whoever can post the form is
/// shown the new secret.
/// </summary>
public sealed class TotpModel(GlintDbContext db, TotpAuthenticator totp, AccountTotpCheck check, IDataProtectionProvider protection) : PageModel
{
    private static readonly TimeSpan EnrolmentLifetime = TimeSpan.FromMinutes(10);

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("glint.totp-enrolment").ToTimeLimitedDataProtector();

    [BindProperty]
    public string? Enrolment { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public bool Enabled { get; private set; }

    public string? Secret { get; private set; }

    public string? QrSvgDataUri { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await SignedInUserAsync() is not { } user)
        {
            return LocalRedirect("/login");
        }

        Show(user, TotpAuthenticator.NewSecret());
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (await SignedInUserAsync() is not { } user)
        {
            return LocalRedirect("/login");
        }

        var secret = Unprotect(Enrolment);
        if (user.TotpSecret is not null || secret is null)
        {
            return RedirectToPage();
        }

        if (totp.Match(secret, Code ?? "") is not { } step)
        {
            Error = "That code is not right. Check that your app shows Glint, and enter its current code.";
            Show(user, secret);
            return Page();
        }

        totp.Enable(user, secret, step);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        return LocalRedirect("/account?notice=totp-on");
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (await SignedInUserAsync() is not { } user)
        {
            return LocalRedirect("/login");
        }

        if (user.TotpSecret is null)
        {
            return RedirectToPage();
        }

        if (await check.CheckAsync(user, Code ?? "", ClientAddress.LimitKey(HttpContext.Connection.RemoteIpAddress), HttpContext.RequestAborted) is { } refused)
        {
            Error = refused.Message;
            Show(user, null);
            return Page();
        }

        TotpAuthenticator.Disable(user);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        return LocalRedirect("/account?notice=totp-off");
    }

    private async Task<User?> SignedInUserAsync() =>
        await AccountCookie.ReadAsync(HttpContext) is var (userId, _)
            ? await db.Users.SingleOrDefaultAsync(user => user.Id == userId, HttpContext.RequestAborted)
            : null;

    private void Show(User user, byte[]? secret)
    {
        Enabled = user.TotpSecret is not null;
        if (Enabled || secret is null)
        {
            return;
        }

        var (_, svg) = TotpAuthenticator.Enrolment(secret, user.Email ?? user.Id.ToString("D"));
        Secret = TotpAuthenticator.Base32(secret);
        QrSvgDataUri = "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
        Enrolment = _protector.Protect(Secret, EnrolmentLifetime);
    }

    private byte[]? Unprotect(string? enrolment)
    {
        try
        {
            return enrolment is null ? null : TotpAuthenticator.FromBase32(_protector.Unprotect(enrolment));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
