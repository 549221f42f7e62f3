using Glint.Login.Challenges;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Logging;

namespace Glint.Login.Web;

/// <summary>
/// Every built-in page: framing is refused (clickjacking), nothing loads from elsewhere except a client's logo, the
/// challenge in the URL never leaks through a Referer, and a challenge that cannot continue becomes a plain error page
/// (or, once answered, a redirect back to where the request started).
/// </summary>
public sealed partial class PageSecurityFilter(ILogger<PageSecurityFilter> logger) : IAsyncPageFilter
{
    // No form-action: browsers apply it to the redirects after a form post, which end at each client's redirect URI.
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data: https:; frame-ancestors 'none'; base-uri 'none'";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        var executed = await next();
        if (executed.Exception is null || executed.ExceptionHandled)
        {
            return;
        }

        switch (executed.Exception)
        {
            case ChallengeGoneException gone:
                executed.Result = new RedirectResult(gone.RedirectTo);
                break;
            case ChallengeException challenge:
                executed.Result = ErrorPage(challenge.Problem);
                break;
            case HttpRequestException transport:
                LogAdminUnreachable(logger, transport.Message);
                executed.Result = ErrorPage(ChallengeProblem.Unavailable);
                break;
            default:
                return;
        }

        executed.ExceptionHandled = true;
    }

    private static RedirectResult ErrorPage(ChallengeProblem problem) => new("/error?problem=" + problem.ToString().ToLowerInvariant());

    [LoggerMessage(EventId = 4400, Level = LogLevel.Error, Message = "The login pages could not reach the admin API: {Error}")]
    private static partial void LogAdminUnreachable(ILogger logger, string error);
}
