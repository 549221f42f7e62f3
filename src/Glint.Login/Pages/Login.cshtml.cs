using Glint.Login.Challenges;
using Glint.Login.Codes;
using Glint.Login.Web;
using Microsoft.AspNetCore.Mvc;

namespace Glint.Login.Pages;

/// <summary>
/// The first step: the user's email. For an app's login request that the user's remembered session already answers
/// (<c>skip</c>), the login is accepted at once; Cancel rejects it.
/// </summary>
public sealed class LoginModel(ChallengeClient challenges, EmailLogin login, LoginOptions options) : LoginStepModel(challenges, options)
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Action { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (LoginChallenge is null)
        {
            return await AccountCookie.ReadAsync(HttpContext) is null ? Page() : LocalRedirect("/account");
        }

        var request = await Challenges.GetLoginAsync(LoginChallenge, HttpContext.RequestAborted);
        if (request.Skip)
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
        if (EmailLogin.NormalizeEmail(Email) is not { } email)
        {
            Error = "Enter a valid email address, like name@example.com.";
            return Page();
        }

        return await login.SendCodeAsync(email, LoginChallenge, ClientIp, HttpContext.RequestAborted) switch
        {
            LoginOutcome.CodeSent sent => RedirectToPage("/LoginCode", new { login_challenge = LoginChallenge, attempt = sent.AttemptId, remember = Remember }),
            LoginOutcome.Refused refused => Refuse(refused),
            _ => throw new InvalidOperationException("Sending a code has no other outcome."),
        };
    }
}
