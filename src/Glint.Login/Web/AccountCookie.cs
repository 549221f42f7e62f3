using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

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
    }
}
