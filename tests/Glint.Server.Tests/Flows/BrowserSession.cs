using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Glint.Server.Tests.Flows;

/// <summary>A client registered for the authorization code flow; <see cref="Secret"/> is null for a public client.</summary>
public sealed record FlowClient(string Id, string? Secret, string RedirectUri);

/// <summary>PKCE with S256 (RFC 7636).</summary>
public static class Pkce
{
    /// <summary>64 characters of the unreserved alphabet.</summary>
    public static string NewVerifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(48));

    public static string ChallengeOf(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}

/// <summary>Where the browser was sent back to the client: the redirect URI with a code or an error.</summary>
public sealed class ClientCallback(Uri location)
{
    private readonly Dictionary<string, Microsoft.Extensions.Primitives.StringValues> _query = QueryHelpers.ParseQuery(location.Query);

    public Uri Location { get; } = location;

    public string? Code => Value("code");

    public string? State => Value("state");

    public string? Error => Value("error");

    public string? ErrorDescription => Value("error_description");

    public string? Scope => Value("scope");

    public string? Value(string name) => _query.TryGetValue(name, out var value) ? value.ToString() : null;

    public override string ToString() => Location.ToString();
}

/// <summary>One run through login and consent, with what the login and consent apps saw.</summary>
public sealed record FlowRun(
    string LoginChallenge, JsonObject LoginRequest, string ConsentChallenge, JsonObject ConsentRequest, ClientCallback Callback, string? Verifier);

/// <summary>
/// A browser: keeps cookies, never follows redirects (each hop is a step the tests look at). It drives the
/// authorization endpoint's legs; the login and consent apps' side is in <see cref="FlowCalls"/>.
/// </summary>
public sealed class BrowserSession : IDisposable
{
    private readonly GlintServerFixture _server;
    private readonly HttpClient _http;

    public BrowserSession(GlintServerFixture server)
    {
        _server = server;
        _http = new HttpClient(new BrowserCookieHandler(Cookies))
        {
            BaseAddress = server.Public.BaseAddress,
        };
    }

    public CookieContainer Cookies { get; } = new();

    public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(url);

    /// <summary>Turns every cookie into a session cookie, as a browser that ignores Max-Age would: server-side expiry must hold alone.</summary>
    public void KeepCookiesPastExpiry()
    {
        var origin = _http.BaseAddress!;
        foreach (var cookie in Cookies.GetCookies(origin).ToList())
        {
            Cookies.Add(origin, new Cookie(cookie.Name, cookie.Value, cookie.Path));
        }
    }

    public Task<HttpResponseMessage> PostAsync(string url, HttpContent content) => _http.PostAsync(url, content);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public Task<HttpResponseMessage> PostFormAsync(string url, IDictionary<string, string?> form) =>
        _http.PostAsync(url, new FormUrlEncodedContent(form.Where(pair => pair.Value is not null).Select(pair => new KeyValuePair<string, string>(pair.Key, pair.Value!))));

    /// <summary>The parameters of an authorization request by <paramref name="client"/>; PKCE S256 when a verifier is given.</summary>
    public static Dictionary<string, string?> Query(FlowClient client, string scope, string? verifier, string? state = null) => new()
    {
        ["client_id"] = client.Id,
        ["response_type"] = "code",
        ["redirect_uri"] = client.RedirectUri,
        ["scope"] = scope,
        ["state"] = state ?? NewState(),
        ["code_challenge"] = verifier is null ? null : Pkce.ChallengeOf(verifier),
        ["code_challenge_method"] = verifier is null ? null : "S256",
    };

    public static string NewState() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary><c>GET /oauth2/auth</c> with these parameters (null values are left out).</summary>
    public Task<HttpResponseMessage> AuthorizeAsync(IDictionary<string, string?> query) =>
        GetAsync(QueryHelpers.AddQueryString("/oauth2/auth", query.Where(pair => pair.Value is not null)));

    /// <summary>Starts an authorization request that must go to the login app; returns the login challenge.</summary>
    public async Task<string> StartAsync(IDictionary<string, string?> query)
    {
        using var response = await AuthorizeAsync(query);
        return await ChallengeFromAsync(response, _server, "login");
    }

    /// <summary>Follows a <c>redirect_to</c> that must start over at the login app; returns the new login challenge.</summary>
    public async Task<string> FollowToLoginAsync(string redirectTo)
    {
        using var response = await GetAsync(redirectTo);
        return await ChallengeFromAsync(response, _server, "login");
    }

    /// <summary>Follows the login app's <c>redirect_to</c>, which must go on to the consent app; returns the consent challenge.</summary>
    public async Task<string> FollowToConsentAsync(string redirectTo)
    {
        using var response = await GetAsync(redirectTo);
        return await ChallengeFromAsync(response, _server, "consent");
    }

    /// <summary>Follows a <c>redirect_to</c> that must end at the client's redirect URI.</summary>
    public async Task<ClientCallback> FollowToClientAsync(string redirectTo)
    {
        using var response = await GetAsync(redirectTo);
        return await ToClientAsync(response);
    }

    /// <summary>The response must send the browser to a client (not to the login or consent app, not to an error page).</summary>
    public static async Task<ClientCallback> ToClientAsync(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        if (response.StatusCode is not (HttpStatusCode.Found or HttpStatusCode.SeeOther) || location is null)
        {
            Assert.Fail($"expected a redirect to the client, got {(int)response.StatusCode} to '{location}': {await response.Content.ReadAsStringAsync()}");
        }

        Assert.DoesNotContain("_challenge=", location.Query, StringComparison.Ordinal);
        return new ClientCallback(location);
    }

    /// <summary>
    /// The whole flow: authorization request, login accepted with <paramref name="loginAccept"/>, consent accepted with
    /// <paramref name="consentAccept"/>, back at the client.
    /// </summary>
    public async Task<FlowRun> RunAsync(IDictionary<string, string?> query, object loginAccept, object consentAccept, string? verifier = null)
    {
        var loginChallenge = await StartAsync(query);
        var loginRequest = await _server.LoginRequestAsync(loginChallenge);
        var consentChallenge = await FollowToConsentAsync(await _server.AcceptLoginAsync(loginChallenge, loginAccept));
        var consentRequest = await _server.ConsentRequestAsync(consentChallenge);
        var callback = await FollowToClientAsync(await _server.AcceptConsentAsync(consentChallenge, consentAccept));
        return new FlowRun(loginChallenge, loginRequest, consentChallenge, consentRequest, callback, verifier);
    }

    /// <summary>The full flow with PKCE for <paramref name="subject"/>, granting <paramref name="grant"/>; the callback must carry a code.</summary>
    public async Task<FlowRun> RunToCodeAsync(FlowClient client, string subject, string scope, string[] grant, object? consentSession = null)
    {
        var verifier = Pkce.NewVerifier();
        var query = Query(client, scope, verifier);
        var run = await RunAsync(query, new { subject }, new { grant_scope = grant, session = consentSession }, verifier);
        Assert.True(run.Callback.Code is not null, $"no code: {run.Callback}");
        Assert.Equal(query["state"], run.Callback.State);
        return run;
    }

    private static async Task<string> ChallengeFromAsync(HttpResponseMessage response, GlintServerFixture server, string kind)
    {
        var location = response.Headers.Location;
        if (response.StatusCode != HttpStatusCode.Found || location is null)
        {
            Assert.Fail($"expected a redirect to the {kind} app, got {(int)response.StatusCode} to '{location}': {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/{kind}", location.GetLeftPart(UriPartial.Path));
        var challenge = QueryHelpers.ParseQuery(location.Query)[$"{kind}_challenge"].ToString();
        Assert.False(string.IsNullOrEmpty(challenge), $"no {kind}_challenge in '{location}'");
        return challenge;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The login and consent apps' calls on the admin port, the token endpoint and friends.</summary>
public static class FlowCalls
{
    public static Task<FlowClient> CreateCodeClientAsync(
        this GlintServerFixture server, string scope = "openid offline read write", string[]? grantTypes = null, string authMethod = "client_secret_basic",
        string redirectUri = "http://127.0.0.1:9999/cb", string[]? responseTypes = null, bool skipConsent = false) =>
        server.CreateCodeClientFromBodyAsync(new Dictionary<string, object?>
        {
            ["grant_types"] = grantTypes ?? ["authorization_code", "refresh_token"],
            ["response_types"] = responseTypes ?? ["code"],
            ["scope"] = scope,
            ["redirect_uris"] = new[] { redirectUri },
            ["token_endpoint_auth_method"] = authMethod,
            ["skip_consent"] = skipConsent,
        });

    public static async Task<FlowClient> CreateCodeClientFromBodyAsync(this GlintServerFixture server, object body)
    {
        var created = await server.CreateClientAsync(body);
        return new FlowClient(
            created["client_id"]!.GetValue<string>(),
            created["client_secret"]?.GetValue<string>() is { Length: > 0 } secret ? secret : null,
            created["redirect_uris"]![0]!.GetValue<string>());
    }

    public static string NewSubject() => "user-" + Guid.NewGuid().ToString("N");

    public static Task<HttpResponseMessage> GetLoginRequestAsync(this GlintServerFixture server, string? challenge) =>
        server.Admin.GetAsync(challenge is null ? "/admin/oauth2/auth/requests/login" : $"/admin/oauth2/auth/requests/login?login_challenge={Uri.EscapeDataString(challenge)}");

    public static Task<HttpResponseMessage> GetConsentRequestAsync(this GlintServerFixture server, string? challenge) =>
        server.Admin.GetAsync(challenge is null ? "/admin/oauth2/auth/requests/consent" : $"/admin/oauth2/auth/requests/consent?consent_challenge={Uri.EscapeDataString(challenge)}");

    public static async Task<JsonObject> LoginRequestAsync(this GlintServerFixture server, string challenge)
    {
        using var response = await server.GetLoginRequestAsync(challenge);
        return await OkJsonAsync(response, "get login request");
    }

    public static async Task<JsonObject> ConsentRequestAsync(this GlintServerFixture server, string challenge)
    {
        using var response = await server.GetConsentRequestAsync(challenge);
        return await OkJsonAsync(response, "get consent request");
    }

    public static Task<string> AcceptLoginAsync(this GlintServerFixture server, string challenge, object body) =>
        server.PutForRedirectAsync($"/admin/oauth2/auth/requests/login/accept?login_challenge={Uri.EscapeDataString(challenge)}", body);

    public static Task<string> RejectLoginAsync(this GlintServerFixture server, string challenge, object body) =>
        server.PutForRedirectAsync($"/admin/oauth2/auth/requests/login/reject?login_challenge={Uri.EscapeDataString(challenge)}", body);

    public static Task<string> AcceptConsentAsync(this GlintServerFixture server, string challenge, object body) =>
        server.PutForRedirectAsync($"/admin/oauth2/auth/requests/consent/accept?consent_challenge={Uri.EscapeDataString(challenge)}", body);

    public static Task<string> RejectConsentAsync(this GlintServerFixture server, string challenge, object body) =>
        server.PutForRedirectAsync($"/admin/oauth2/auth/requests/consent/reject?consent_challenge={Uri.EscapeDataString(challenge)}", body);

    private static async Task<string> PutForRedirectAsync(this GlintServerFixture server, string path, object body)
    {
        using var response = await server.Admin.PutAsync(path, HydraClientCalls.Json(body));
        var json = await OkJsonAsync(response, "PUT " + path);
        return json["redirect_to"]!.GetValue<string>();
    }

    /// <summary><c>grant_type=authorization_code</c>; the secret goes in HTTP Basic, a public client sends only its id.</summary>
    public static Task<HttpResponseMessage> ExchangeCodeAsync(this GlintServerFixture server, FlowClient client, string code, string? verifier, string? redirectUri = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri ?? client.RedirectUri,
        };
        if (verifier is not null)
        {
            form["code_verifier"] = verifier;
        }

        return server.TokenAsync(client, form);
    }

    public static Task<HttpResponseMessage> RefreshAsync(this GlintServerFixture server, FlowClient client, string refreshToken) =>
        server.TokenAsync(client, new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });

    public static Task<HttpResponseMessage> TokenAsync(this GlintServerFixture server, FlowClient client, IDictionary<string, string> form) =>
        client.Secret is null
            ? server.TokenAsync(client.Id, null, form, basic: false)
            : server.TokenAsync(client.Id, client.Secret, form);

    /// <summary>The code of <paramref name="run"/> exchanged; must succeed.</summary>
    public static async Task<JsonObject> TokensAsync(this GlintServerFixture server, FlowClient client, FlowRun run)
    {
        using var response = await server.ExchangeCodeAsync(client, run.Callback.Code!, run.Verifier);
        return await OkJsonAsync(response, "code exchange");
    }

    public static async Task<bool> IsActiveAsync(this GlintServerFixture server, string token) =>
        (await server.IntrospectAsync(token))["active"]!.GetValue<bool>();

    public static async Task<JsonObject> OkJsonAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> StatusAndJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    public static async Task<HttpResponseMessage> UserinfoAsync(this GlintServerFixture server, string accessToken, bool post = false)
    {
        using var request = new HttpRequestMessage(post ? HttpMethod.Post : HttpMethod.Get, "/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (post)
        {
            request.Content = new FormUrlEncodedContent([]);
        }

        return await server.Public.SendAsync(request);
    }

    /// <summary>The payload of a JWT, unverified (the tests check what it says, not who signed it).</summary>
    public static JsonObject JwtPayload(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        return JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
    }

    public static string[] Strings(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.Select(item => item!.GetValue<string>())],
        JsonValue value => [value.GetValue<string>()],
        _ => [],
    };
}
