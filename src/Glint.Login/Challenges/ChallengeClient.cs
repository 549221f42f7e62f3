using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Glint.Login.Challenges;

/// <summary>
/// The admin API's login, consent and logout challenge endpoints, called over HTTP exactly as an external login app
/// calls them, so that the built-in pages prove that contract every time they run.
/// </summary>
public sealed class ChallengeClient(HttpClient http)
{
    public const string HttpClientName = "glint-admin";

    public Task<LoginRequestInfo> GetLoginAsync(string challenge, CancellationToken cancellationToken) =>
        GetAsync<LoginRequestInfo>("oauth2/auth/requests/login", "login_challenge", challenge, cancellationToken);

    public Task<string> AcceptLoginAsync(string challenge, string subject, bool remember, TimeSpan rememberFor, IReadOnlyList<string> methods, CancellationToken cancellationToken) =>
        PutAsync("oauth2/auth/requests/login/accept", "login_challenge", challenge, new JsonObject
        {
            ["subject"] = subject,
            ["remember"] = remember,
            ["remember_for"] = remember ? (long)rememberFor.TotalSeconds : 0,
            ["amr"] = new JsonArray([.. methods.Select(method => JsonValue.Create(method))]),
        }, cancellationToken);

    public Task<string> RejectLoginAsync(string challenge, CancellationToken cancellationToken) =>
        PutAsync("oauth2/auth/requests/login/reject", "login_challenge", challenge, Denied("The user cancelled the sign-in."), cancellationToken);

    public Task<ConsentRequestInfo> GetConsentAsync(string challenge, CancellationToken cancellationToken) =>
        GetAsync<ConsentRequestInfo>("oauth2/auth/requests/consent", "consent_challenge", challenge, cancellationToken);

    public Task<string> AcceptConsentAsync(
        string challenge, IEnumerable<string> scopes, IEnumerable<string> audience, bool remember, TimeSpan rememberFor, JsonObject? idTokenClaims,
        CancellationToken cancellationToken) =>
        PutAsync("oauth2/auth/requests/consent/accept", "consent_challenge", challenge, new JsonObject
        {
            ["grant_scope"] = new JsonArray([.. scopes.Select(scope => JsonValue.Create(scope))]),
            ["grant_access_token_audience"] = new JsonArray([.. audience.Select(value => JsonValue.Create(value))]),
            ["remember"] = remember,
            ["remember_for"] = remember ? (long)rememberFor.TotalSeconds : 0,
            ["session"] = new JsonObject { ["id_token"] = idTokenClaims ?? [] },
        }, cancellationToken);

    public Task<string> RejectConsentAsync(string challenge, string description, CancellationToken cancellationToken) =>
        PutAsync("oauth2/auth/requests/consent/reject", "consent_challenge", challenge, Denied(description), cancellationToken);

    public Task<LogoutRequestInfo> GetLogoutAsync(string challenge, CancellationToken cancellationToken) =>
        GetAsync<LogoutRequestInfo>("oauth2/auth/requests/logout", "logout_challenge", challenge, cancellationToken);

    public Task<string> AcceptLogoutAsync(string challenge, CancellationToken cancellationToken) =>
        PutAsync("oauth2/auth/requests/logout/accept", "logout_challenge", challenge, null, cancellationToken);

    public async Task RejectLogoutAsync(string challenge, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsync(Url("oauth2/auth/requests/logout/reject", "logout_challenge", challenge), null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<IReadOnlyList<ConsentSession>> ListConsentsAsync(string subject, CancellationToken cancellationToken) =>
        await GetAsync<List<ConsentSession>>("oauth2/auth/sessions/consent", "subject", subject, cancellationToken);

    /// <summary>Revokes the user's consents to one app, and with them every token issued under them.</summary>
    public async Task RevokeConsentAsync(string subject, string clientId, CancellationToken cancellationToken)
    {
        var url = QueryHelpers.AddQueryString("oauth2/auth/sessions/consent", new Dictionary<string, string?> { ["subject"] = subject, ["client"] = clientId });
        using var response = await http.DeleteAsync(url, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Ends the user's remembered logins, so the next app sign-in asks again.</summary>
    public async Task EndLoginSessionsAsync(string subject, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(Url("oauth2/auth/sessions/login", "subject", subject), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private async Task<T> GetAsync<T>(string path, string parameter, string value, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Url(path, parameter, value), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken) ?? throw new ChallengeException(ChallengeProblem.Unavailable);
    }

    /// <summary>Sends an answer and returns where the browser goes next (the answer's <c>redirect_to</c>).</summary>
    private async Task<string> PutAsync(string path, string parameter, string challenge, JsonObject? body, CancellationToken cancellationToken)
    {
        using var content = body is null ? null : JsonContent.Create(body);
        using var response = await http.PutAsync(Url(path, parameter, challenge), content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await RedirectToAsync(response, cancellationToken) ?? throw new ChallengeException(ChallengeProblem.Unavailable);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        throw response.StatusCode switch
        {
            // Already answered: Hydra says where the request started, so the browser can begin again from there.
            HttpStatusCode.Gone when await RedirectToAsync(response, cancellationToken) is { } redirect => new ChallengeGoneException(redirect),
            HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest => new ChallengeException(ChallengeProblem.Expired),
            _ => new ChallengeException(ChallengeProblem.Unavailable),
        };
    }

    private static async Task<string?> RedirectToAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            return body?["redirect_to"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Url(string path, string parameter, string value) => QueryHelpers.AddQueryString(path, parameter, value);

    private static JsonObject Denied(string description) => new()
    {
        ["error"] = "access_denied",
        ["error_description"] = description,
    };
}

/// <summary>Why a page cannot go on; the error page words it for the user.</summary>
public enum ChallengeProblem
{
    /// <summary>The request is unknown, expired or malformed: only the app can start a new one.</summary>
    Expired,

    /// <summary>The page was opened without the challenge an app's request carries.</summary>
    Missing,

    /// <summary>The admin API did not answer as it should.</summary>
    Unavailable,
}

/// <summary>A challenge the pages cannot continue.</summary>
public class ChallengeException(ChallengeProblem problem) : Exception(problem.ToString())
{
    public ChallengeProblem Problem { get; } = problem;
}

/// <summary>The challenge was already answered; the browser should go to <see cref="RedirectTo"/>.</summary>
public sealed class ChallengeGoneException(string redirectTo) : ChallengeException(ChallengeProblem.Expired)
{
    public string RedirectTo { get; } = redirectTo;
}
