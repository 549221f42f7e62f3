using Glint.Login.Challenges;
using Glint.Login.Codes;
using Microsoft.AspNetCore.Mvc;

namespace Glint.Login.Pages;

/// <summary>The second step: the six-digit code from the email or text message; then TOTP for users who enrolled it.</summary>
public sealed class LoginCodeModel(ChallengeClient challenges, EmailLogin login, LoginOptions options) : LoginStepModel(challenges, options)
{
    [BindProperty(SupportsGet = true)]
    public string Attempt { get; set; } = "";

    [BindProperty]
    public string? Code { get; set; }

    public string? SentTo { get; private set; }

    /// <summary>The code went to a phone.</summary>
    public bool ByText => SentTo is not null && Phones.E164.IsPhone(SentTo);

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        return await login.CheckCodeAsync(Attempt, LoginChallenge, Code ?? "", ClientIp, HttpContext.RequestAborted) switch
        {
            LoginOutcome.LoggedIn loggedIn => await CompleteAsync(loggedIn),
            LoginOutcome.TotpRequired totp => RedirectToPage("/LoginTotp", new { login_challenge = LoginChallenge, attempt = totp.AttemptId, remember = Remember }),
            LoginOutcome.Refused refused => Refuse(refused),
            _ => throw new InvalidOperationException("Checking a code has no other outcome."),
        };
    }

    private async Task LoadAsync()
    {
        await LoadClientAsync();
        SentTo = await login.EmailOfAsync(Attempt, HttpContext.RequestAborted);
    }
}
