using Glint.Login.Challenges;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Glint.Login.Pages;

/// <summary>Where a page that cannot go on sends the browser; the problem is a fixed code, so nobody can put words here.</summary>
public sealed class ErrorModel : PageModel
{
    public string Message { get; private set; } = "";

    public void OnGet(string? problem)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Message = Enum.TryParse<ChallengeProblem>(problem, ignoreCase: true, out var known) ? Describe(known) : Describe(ChallengeProblem.Expired);
    }

    private static string Describe(ChallengeProblem problem) => problem switch
    {
        ChallengeProblem.Missing => "This page is opened by an app when you sign in with Glint. Please start from the app.",
        ChallengeProblem.Unavailable => "Sign-in is not available right now. Please try again in a moment.",
        _ => "This sign-in request has expired or is no longer valid. Please go back to the app and start again.",
    };
}
