using Glint.Data;
using Glint.Login.Challenges;
using Glint.Login.Web;
using Glint.Wallets.Queries;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Pages.Account;

/// <summary>The signed-in user's connected apps (revocable), their TOTP status, the transactions as CSV, and sign-out.</summary>
public sealed class IndexModel(ChallengeClient challenges, GlintDbContext db, WalletQueries queries) : PageModel
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

    /// <summary>
    /// The CSV of every transaction of the user's wallets (the format of <c>csvTransactions</c>, not base64), streamed
    /// a page of transactions at a time. A form post, so the page's anti-forgery token guards it like every other action.
    /// </summary>
    public async Task<IActionResult> OnPostCsvAsync()
    {
        if (await AccountCookie.ReadAsync(HttpContext) is not var (userId, _))
        {
            return LocalRedirect("/login");
        }

        var wallets = await queries.FindAccountAndWalletsOfUserAsync(userId, HttpContext.RequestAborted) is { } found
            ? found.Wallets.Select(wallet => wallet.Id).ToList()
            : [];
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = "attachment; filename=\"glint-transactions.csv\"";
        Response.Headers.CacheControl = "no-store";
        await using var writer = new StreamWriter(Response.Body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024);
        await TransactionCsv.WriteAsync(writer, TransactionCsv.AllAsync(queries, wallets, HttpContext.RequestAborted), HttpContext.RequestAborted);
        return new EmptyResult();
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
