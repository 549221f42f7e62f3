using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Glint.Data;
using Glint.Data.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Login.Web;

/// <summary>
/// The signed-in user of the account pages. It is separate from the authorization server's login session: signing
/// in to Glint's own pages is not signing in to any app, and apps never see this cookie.
/// </summary>
public static class AccountCookie
{
    public const string Scheme = "glint-account";

    public const string SubjectClaim = "sub";

    public const string EmailClaim = "email";

    public static TimeSpan Lifetime { get; } = TimeSpan.FromHours(1);

    public static Task SignInAsync(HttpContext http, Guid userId, string? email) =>
        http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(SubjectClaim, userId.ToString("D")), new Claim(EmailClaim, email ?? "")], Scheme, EmailClaim, null)));

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    /// <summary>The signed-in user's id and email, or null.</summary>
    public static async Task<(Guid UserId, string Email)?> ReadAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme);
        return result.Principal?.FindFirstValue(SubjectClaim) is { } subject && Guid.TryParse(subject, out var userId)
            ? (userId, result.Principal.FindFirstValue(EmailClaim) ?? "")
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
        options.Events.OnValidatePrincipal = RejectClosedUsersAsync;
    }

    /// <summary>
    /// The cookie holds only the user's id, so each page checks that the user may still sign in: a deleted (or
    /// locked) account's browser is signed out on its next request, like its tokens.
    /// </summary>
    private static async Task RejectClosedUsersAsync(CookieValidatePrincipalContext context)
    {
        var active = context.Principal?.FindFirstValue(SubjectClaim) is { } subject && Guid.TryParse(subject, out var userId) &&
            await context.HttpContext.RequestServices.GetRequiredService<GlintDbContext>().Users
                .AnyAsync(user => user.Id == userId && user.Status == UserStatus.Active, context.HttpContext.RequestAborted);
        if (!active)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
