using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Glint.Auth.SessionTokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Login.Web;

/// <summary>
/// The signed-in user of the account pages. It is separate from the authorization server's login session: signing
/// in to Glint's own pages is not signing in to any app, and apps never see this cookie. The cookie names a session
/// stored with the first-party sessions (<see cref="SessionTokenStore.OpenCookieSessionAsync"/>), checked on each
/// page, so that signing out ends it for good: a copy of the cookie taken before is refused.
/// </summary>
public static class AccountCookie
{
    public const string Scheme = "glint-account";

    public const string SubjectClaim = "sub";

    public const string EmailClaim = "email";

    public const string SessionClaim = "sid";

    public static TimeSpan Lifetime { get; } = TimeSpan.FromHours(1);

    public static async Task SignInAsync(HttpContext http, Guid userId, string? email)
    {
        var session = await http.RequestServices.GetRequiredService<SessionTokenStore>().OpenCookieSessionAsync(userId, http.RequestAborted);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(SubjectClaim, userId.ToString("D")), new Claim(EmailClaim, email ?? ""), new Claim(SessionClaim, session.ToString("D"))],
            Scheme, EmailClaim, null)));
    }

    /// <summary>
    /// Ends this browser's session of the account pages, and only this one: the user's other browsers stay signed in
    /// to them, as signing out of one device is expected to.
    /// </summary>
    public static async Task SignOutAsync(HttpContext http)
    {
        if ((await http.AuthenticateAsync(Scheme)).Principal is { } principal && SessionOf(principal) is { } session)
        {
            await http.RequestServices.GetRequiredService<SessionTokenStore>().RevokeAsync(session, http.RequestAborted);
        }

        await http.SignOutAsync(Scheme);
    }

    /// <summary>The signed-in user's id and email, or null.</summary>
    public static async Task<(Guid UserId, string Email)?> ReadAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme);
        return result.Principal is { } principal && UserOf(principal) is { } userId
            ? (userId, principal.FindFirstValue(EmailClaim) ?? "")
            : null;
    }

    internal static void Configure(CookieAuthenticationOptions options, bool secure)
    {
        options.Cookie.Name = "glint_account";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = Lifetime;
        options.SlidingExpiration = true;
        options.LoginPath = "/login";
        options.Events.OnValidatePrincipal = RejectEndedSessionsAsync;
    }

    /// <summary>
    /// The cookie holds only ids, so each page checks, in one indexed read, that its session was not ended (signed
    /// out, or expired) and that the user may still sign in: a deleted (or locked) account's browser is signed out on
    /// its next request, like its tokens. A cookie from before sessions were named carries none and is refused.
    /// </summary>
    private static async Task RejectEndedSessionsAsync(CookieValidatePrincipalContext context)
    {
        var live = context.Principal is { } principal && UserOf(principal) is { } userId && SessionOf(principal) is { } session &&
            await context.HttpContext.RequestServices.GetRequiredService<SessionTokenStore>()
                .IsLiveCookieSessionAsync(session, userId, context.HttpContext.RequestAborted);
        if (!live)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static Guid? UserOf(ClaimsPrincipal principal) =>
        principal.FindFirstValue(SubjectClaim) is { } subject && Guid.TryParse(subject, out var userId) ? userId : null;

    private static Guid? SessionOf(ClaimsPrincipal principal) =>
        principal.FindFirstValue(SessionClaim) is { } session && Guid.TryParse(session, out var sessionId) ? sessionId : null;
}
