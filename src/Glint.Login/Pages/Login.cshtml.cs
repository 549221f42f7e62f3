using Glint.Login.Challenges;
using Glint.Login.Codes;
using Glint.Login.Phones;
using Glint.Login.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Glint.Login.Pages;

/// <summary>
/// The first step: the user's email or phone number, where the code goes. For an app's login request that the user's remembered session already answers
/// (<c>skip</c>), the login is accepted at once; Cancel rejects it.
/// </summary>
public sealed class LoginModel(ChallengeClient challenges, EmailLogin login, LoginOptions options) : LoginStepModel(challenges, options)
{
    /// <summary>An email or a phone number; the form field keeps its first name, so that scripted sign-ins keep working.</summary>
    [BindProperty(Name = "Email")]
    public string? Address { get; set; }

    [BindProperty]
    public string? Action { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (LoginChallenge is null)
        {
            return await AccountCookie.ReadAsync(HttpContext) is null ? Page() : LocalRedirect("/account");
        }

        var request = await Challenges.GetLoginAsync(LoginChallenge, HttpContext.RequestAborted);
        // Razor Pages answers a HEAD with OnGet: a link checker's or a prefetcher's HEAD gets the page, never the
        // accepted login (see GetAndHead).
        if (request.Skip && !HttpMethods.IsHead(Request.Method))
        {
            return Redirect(await Challenges.AcceptLoginAsync(LoginChallenge, request.Subject, remember: false, TimeSpan.Zero, [], HttpContext.RequestAborted));
        }

        Client = request.Client;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Action == "cancel")
        {
            return LoginChallenge is null ? LocalRedirect("/login") : Redirect(await Challenges.RejectLoginAsync(LoginChallenge, HttpContext.RequestAborted));
        }

        await LoadClientAsync();
        if (Normalize(Address) is not { } address)
        {
            Error = "Enter a valid email address, like name@example.com, or a phone number with its country code, like +1 650 555 4350.";
            return Page();
        }

        return await login.SendCodeAsync(address, LoginChallenge, ClientIp, HttpContext.RequestAborted) switch
        {
            LoginOutcome.CodeSent sent => RedirectToPage("/LoginCode", new { login_challenge = LoginChallenge, attempt = sent.AttemptId, remember = Remember }),
            LoginOutcome.Refused refused => Refuse(refused),
            _ => throw new InvalidOperationException("Sending a code has no other outcome."),
        };
    }

    /// <summary>An email if it has an '@', otherwise a phone number.</summary>
    private static string? Normalize(string? address) =>
        address?.Contains('@', StringComparison.Ordinal) == true ? EmailLogin.NormalizeEmail(address) : E164.Normalize(address);
}
