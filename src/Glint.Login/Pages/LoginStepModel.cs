using Glint.Data.Network;
using Glint.Login.Challenges;
using Glint.Login.Codes;
using Glint.Login.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Glint.Login.Pages;

/// <summary>
/// What the login steps share: the login challenge they answer (none for a sign-in to the account pages), the
/// "Remember me" choice carried from the first step, and how a finished login is handed back.
/// </summary>
public abstract class LoginStepModel(ChallengeClient challenges, LoginOptions options) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "login_challenge")]
    public string? LoginChallenge { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Remember { get; set; }

    public ChallengeClientInfo? Client { get; protected set; }

    public string? Error { get; protected set; }

    /// <summary>When the error means this attempt is over, the page offers to start again instead of retrying.</summary>
    public bool StartOver { get; protected set; }

    protected string ClientIp => ClientAddress.LimitKey(HttpContext.Connection.RemoteIpAddress);

    protected ChallengeClient Challenges => challenges;

    /// <summary>Loads the app asking, so each step can say who the user is signing in to; also fails early on a dead challenge.</summary>
    protected async Task LoadClientAsync()
    {
        if (LoginChallenge is not null)
        {
            Client = (await challenges.GetLoginAsync(LoginChallenge, HttpContext.RequestAborted)).Client;
        }
    }

    protected IActionResult Refuse(LoginOutcome.Refused refused)
    {
        Error = refused.Message;
        StartOver = refused.StartOver;
        return Page();
    }

    /// <summary>Signs the user in to the account pages and, for an app's request, accepts the login with the methods used.</summary>
    protected async Task<IActionResult> CompleteAsync(LoginOutcome.LoggedIn loggedIn)
    {
        await AccountCookie.SignInAsync(HttpContext, loggedIn.User.Id, loggedIn.User.Email);
        if (LoginChallenge is null)
        {
            return LocalRedirect("/account");
        }

        var redirect = await challenges.AcceptLoginAsync(
            LoginChallenge, loggedIn.User.Id.ToString("D"), Remember, options.RememberLoginFor, loggedIn.Methods, HttpContext.RequestAborted);
        return Redirect(redirect);
    }
}
