using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Glint.Data.Secrets;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth.Flows;

/// <summary>
/// The browser's login session at the authorization server: the session id with an HMAC under a key derived from the
/// system secret, so every node can check it and nobody can forge one. The id alone is not secret (it is the
/// <c>sid</c> of ID tokens); the HMAC is what makes the cookie a credential.
/// </summary>
public sealed class LoginSessionCookie(SystemSecret secret, AuthSettings settings)
{
    public const string Name = "glint_session";

    private readonly byte[] _key = secret.DeriveKey("login-session-cookie");

    public string? ReadSessionId(HttpRequest request)
    {
        var value = request.Cookies[Name];
        var dot = value?.LastIndexOf('.') ?? -1;
        if (value is null || dot <= 0)
        {
            return null;
        }

        var id = value[..dot];
        var expected = Sign(id);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(value[(dot + 1)..])) ? id : null;
    }

    /// <summary><paramref name="maxAge"/> null means a browser-session cookie (Hydra's <c>remember_for: 0</c>).</summary>
    public void Write(HttpResponse response, string sessionId, TimeSpan? maxAge) =>
        response.Cookies.Append(Name, sessionId + "." + Sign(sessionId), Options(maxAge));

    public void Delete(HttpResponse response) => response.Cookies.Delete(Name, Options(null));

    /// <summary>A short-lived cookie that binds a login or consent step to the browser that started it.</summary>
    public void WriteCsrf(HttpResponse response, string name, string value) =>
        response.Cookies.Append(name, value, Options(settings.FlowLifetime));

    public void DeleteCsrf(HttpResponse response, string name) => response.Cookies.Delete(name, Options(null));

    public static string CsrfName(string purpose, string clientId) =>
        // One cookie per client, so that parallel flows for different apps in one browser do not clash.
        $"glint_{purpose}_csrf_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientId)))[..8]}";

    private CookieOptions Options(TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = settings.SecureCookies,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };

    private string Sign(string id) => Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(id)));
}
