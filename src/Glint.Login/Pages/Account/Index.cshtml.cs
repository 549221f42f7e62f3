using Glint.Data;
using Glint.Login.Challenges;
using Glint.Login.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Pages.Account;

/// <summary>The signed-in user's connected apps (revocable), their TOTP status, and sign-out.</summary>
public sealed class IndexModel(ChallengeClient challenges, GlintDbContext db) : PageModel
{
    public sealed record ConnectedApp(ChallengeClientInfo Client, IReadOnlyList<string> Scopes, DateTimeOffset? GrantedAt);

    [BindProperty]
    public string? Action { get; set; }

    [BindProperty]
    public string? ClientId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public string Email { get; private set; } = "";

    public bool TotpEnabled { get; private set; }

    public IReadOnlyList<ConnectedApp> Apps { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await AccountCookie.ReadAsync(HttpContext) is not var (userId, email))
        {
            return LocalRedirect("/login");
        }

        Email = email;
        TotpEnabled = await db.Users.AnyAsync(user => user.Id == userId && user.TotpSecret != null, HttpContext.RequestAborted);
        var consents = await challenges.ListConsentsAsync(userId.ToString("D"), HttpContext.RequestAborted);
        // One row per app: a user may have consented several times, each grant adding to what the app holds.
        Apps = [.. consents
            .Where(consent => consent.ConsentRequest?.Client is not null)
            .GroupBy(consent => consent.ConsentRequest!.Client!.ClientId)
            .Select(app => new ConnectedApp(
                app.Last().ConsentRequest!.Client!,
                [.. app.SelectMany(consent => consent.GrantScope).Distinct()],
                app.Max(consent => consent.HandledAt)))
            .OrderBy(app => app.Client.DisplayName, StringComparer.OrdinalIgnoreCase)];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await AccountCookie.ReadAsync(HttpContext) is not var (userId, _))
        {
            return LocalRedirect("/login");
        }

        var subject = userId.ToString("D");
        if (Action == "revoke" && !string.IsNullOrEmpty(ClientId))
        {
            await challenges.RevokeConsentAsync(subject, ClientId, HttpContext.RequestAborted);
            return RedirectToPage(new { notice = "revoked" });
        }

        if (Action == "signout")
        {
            await challenges.EndLoginSessionsAsync(subject, HttpContext.RequestAborted);
            await AccountCookie.SignOutAsync(HttpContext);
            return LocalRedirect("/login");
        }

        return RedirectToPage();
    }
}
