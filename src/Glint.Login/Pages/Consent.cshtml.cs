using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Login.Challenges;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Pages;

/// <summary>
/// The user decides what an app may do. Every requested scope starts ticked and may be unticked; allowing with none
/// ticked is a denial, never an empty grant. Trusted clients (<c>skip_consent</c>) and remembered consents
/// (<c>skip</c>) are accepted at once with the requested scopes.
/// </summary>
public sealed class ConsentModel(ChallengeClient challenges, GlintDbContext db, LoginOptions options) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "consent_challenge")]
    public string? ConsentChallenge { get; set; }

    [BindProperty]
    public List<string> Scopes { get; set; } = [];

    [BindProperty]
    public bool Remember { get; set; }

    [BindProperty]
    public string? Action { get; set; }

    public ConsentRequestInfo Consent { get; private set; } = new();

    public ChallengeClientInfo Client => Consent.Client ?? new ChallengeClientInfo();

    public async Task<IActionResult> OnGetAsync()
    {
        Consent = await LoadAsync();
        // A HEAD (answered by OnGet) gets the page, never the granted consent (see GetAndHead).
        if ((Consent.Skip || Client.SkipConsent) && !HttpMethods.IsHead(Request.Method))
        {
            return await AcceptAsync(Consent.RequestedScope, remember: false);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Consent = await LoadAsync();
        if (Action != "allow")
        {
            return Redirect(await challenges.RejectConsentAsync(Consent.Challenge, "The user denied the request.", HttpContext.RequestAborted));
        }

        // Only what was asked for can be granted, whatever the form says.
        var granted = Consent.RequestedScope.Where(Scopes.Contains).ToList();
        if (granted.Count == 0)
        {
            return Redirect(await challenges.RejectConsentAsync(Consent.Challenge, "The user granted none of the requested permissions.", HttpContext.RequestAborted));
        }

        return await AcceptAsync(granted, Remember);
    }

    private async Task<ConsentRequestInfo> LoadAsync() =>
        ConsentChallenge is null
            ? throw new ChallengeException(ChallengeProblem.Missing)
            : await challenges.GetConsentAsync(ConsentChallenge, HttpContext.RequestAborted);

    private async Task<IActionResult> AcceptAsync(IReadOnlyList<string> scopes, bool remember)
    {
        var redirect = await challenges.AcceptConsentAsync(
            Consent.Challenge, scopes, Consent.RequestedAudience, remember, options.RememberConsentFor, await IdTokenClaimsAsync(scopes), HttpContext.RequestAborted);
        return Redirect(redirect);
    }

    /// <summary>The email claims, only when the user granted the <c>email</c> scope.</summary>
    private async Task<JsonObject?> IdTokenClaimsAsync(IReadOnlyList<string> scopes)
    {
        if (!scopes.Contains("email") || !Guid.TryParse(Consent.Subject, out var userId))
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().Where(candidate => candidate.Id == userId)
            .Select(candidate => new { candidate.Email, candidate.EmailVerified }).SingleOrDefaultAsync(HttpContext.RequestAborted);
        return user?.Email is null ? null : new JsonObject { ["email"] = user.Email, ["email_verified"] = user.EmailVerified };
    }
}
