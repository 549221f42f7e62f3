using Glint.Login.Challenges;
using Glint.Login.Codes;
using Microsoft.AspNetCore.Mvc;

namespace Glint.Login.Pages;

/// <summary>The last step for users with TOTP: the current code from their authenticator app.</summary>
public sealed class LoginTotpModel(ChallengeClient challenges, EmailLogin login, LoginOptions options) : LoginStepModel(challenges, options)
{
    [BindProperty(SupportsGet = true)]
    public string Attempt { get; set; } = "";

    [BindProperty]
    public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadClientAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadClientAsync();
        return await login.CheckTotpAsync(Attempt, LoginChallenge, Code ?? "", ClientIp, HttpContext.RequestAborted) switch
        {
            LoginOutcome.LoggedIn loggedIn => await CompleteAsync(loggedIn),
            LoginOutcome.Refused refused => Refuse(refused),
            _ => throw new InvalidOperationException("Checking a TOTP code has no other outcome."),
        };
    }
}
