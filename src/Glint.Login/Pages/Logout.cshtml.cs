using Glint.Login.Challenges;
using Glint.Login.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Glint.Login.Pages;

/// <summary>An app asked to end the user's session: the user confirms, or stays signed in.</summary>
public sealed class LogoutModel(ChallengeClient challenges) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "logout_challenge")]
    public string? LogoutChallenge { get; set; }

    [BindProperty]
    public string? Action { get; set; }

    public ChallengeClientInfo? Client { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Client = (await LoadAsync()).Client;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var request = await LoadAsync();
        if (Action != "logout")
        {
            await challenges.RejectLogoutAsync(request.Challenge, HttpContext.RequestAborted);
            return LocalRedirect("/account");
        }

        var redirect = await challenges.AcceptLogoutAsync(request.Challenge, HttpContext.RequestAborted);
        await AccountCookie.SignOutAsync(HttpContext);
        return Redirect(redirect);
    }

    private async Task<LogoutRequestInfo> LoadAsync() =>
        LogoutChallenge is null
            ? throw new ChallengeException(ChallengeProblem.Missing)
            : await challenges.GetLogoutAsync(LogoutChallenge, HttpContext.RequestAborted);
}
