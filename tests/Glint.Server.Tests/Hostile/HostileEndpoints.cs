using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Server.Tests.Clients;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hostile;

/// <summary>What an endpoint's body is.</summary>
public enum BodyKind { None, Form, Json }

/// <summary>The error format an endpoint must refuse in.</summary>
public enum ErrorFormat
{
    /// <summary>RFC 6749: <c>{"error": "invalid_request", "error_description": ...}</c>.</summary>
    OAuth,

    /// <summary>Hydra's admin API: <c>{"error": ..., "error_description": ...}</c>.</summary>
    Hydra,

    /// <summary>Blink's REST login: <c>{"error": ...}</c>.</summary>
    SessionLogin,

    /// <summary>A page: any text, as long as it names no .NET type.</summary>
    Page,
}

/// <summary>One route of Glint's public or admin port with a request that it accepts, for hostile variants of it.</summary>
public sealed record HostileEndpoint(
    string Method, bool Admin, string Path, BodyKind Body, ErrorFormat Format, string Query = "", string ValidBody = "", string? Authorization = null)
{
    public override string ToString() => $"{Method} {(Admin ? "admin" : "public")}{Path}";
}

/// <summary>
/// Every public and admin endpoint (MapGlintAuthPublic, MapGlintAuthAdmin, MapGlintLogin with the REST login,
/// MapHealthApi), each with a valid request built on real clients and challenges, so that a hostile variant reaches
/// as far into the endpoint as a real request does.
/// </summary>
public sealed partial class HostileScene
{
    private HostileScene(GlintServerFixture server, List<HostileEndpoint> endpoints)
    {
        Server = server;
        Endpoints = endpoints;
    }

    public GlintServerFixture Server { get; }

    public IReadOnlyList<HostileEndpoint> Endpoints { get; }

    public static async Task<HostileScene> CreateAsync(GlintServerFixture server)
    {
        var machineSecret = "hostile-secret-" + Guid.NewGuid().ToString("N");
        var machine = await server.CreateMachineClientAsync(secret: machineSecret);
        var machineId = machine["client_id"]!.GetValue<string>();
        var codeClient = await server.CreateCodeClientAsync();
        var query = BrowserSession.Query(codeClient, "openid read", Pkce.NewVerifier());
        var authorize = string.Join('&', query.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));

        using var browser = new BrowserSession(server);
        var loginChallenge = await browser.StartAsync(query);
        var consentBrowser = new BrowserSession(server);
        var consentChallenge = await consentBrowser.FollowToConsentAsync(
            await server.AcceptLoginAsync(await consentBrowser.StartAsync(query), new { subject = FlowCalls.NewSubject() }));
        var patchTarget = (await server.CreateAsync(new JsonObject { ["client_name"] = "hostile patch target" }))["client_id"]!.GetValue<string>();

        var token = "grant_type=client_credentials&scope=read";
        var basic = "Basic " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{Uri.EscapeDataString(machineId)}:{Uri.EscapeDataString(machineSecret)}"));
        var login = $"login_challenge={loginChallenge}";
        var consent = $"consent_challenge={consentChallenge}";
        var client = """{"client_name":"hostile","redirect_uris":["https://app.example.com/cb"],"scope":"openid read","grant_types":["authorization_code"],"metadata":{"a":[1,2]}}""";
        List<HostileEndpoint> endpoints =
        [
            new("GET", false, "/oauth2/auth", BodyKind.None, ErrorFormat.Page, authorize),
            new("POST", false, "/oauth2/auth", BodyKind.Form, ErrorFormat.OAuth, ValidBody: authorize),
            new("POST", false, "/oauth2/token", BodyKind.Form, ErrorFormat.OAuth, ValidBody: token, Authorization: basic),
            new("POST", false, "/oauth2/revoke", BodyKind.Form, ErrorFormat.OAuth, ValidBody: "token=abc", Authorization: basic),
            new("GET", false, "/userinfo", BodyKind.None, ErrorFormat.OAuth),
            new("POST", false, "/userinfo", BodyKind.Form, ErrorFormat.OAuth, ValidBody: "access_token=abc"),
            new("GET", false, "/oauth2/sessions/logout", BodyKind.None, ErrorFormat.Page, "state=abcdefgh"),
            new("POST", false, "/oauth2/sessions/logout", BodyKind.Form, ErrorFormat.OAuth, ValidBody: "state=abcdefgh"),
            new("GET", false, "/oauth2/fallbacks/logout/callback", BodyKind.None, ErrorFormat.Page),
            new("GET", false, "/.well-known/openid-configuration", BodyKind.None, ErrorFormat.OAuth),
            new("GET", false, "/.well-known/jwks.json", BodyKind.None, ErrorFormat.OAuth),
            new("POST", false, "/auth/email/code", BodyKind.Form, ErrorFormat.SessionLogin, ValidBody: "email=hostile%40example.com"),
            new("POST", false, "/auth/email/code", BodyKind.Json, ErrorFormat.SessionLogin, ValidBody: """{"email":"hostile@example.com"}"""),
            new("POST", false, "/auth/email/login", BodyKind.Json, ErrorFormat.SessionLogin, ValidBody: """{"emailLoginId":"abc","code":"123456"}"""),
            new("POST", false, "/auth/email/login", BodyKind.Form, ErrorFormat.SessionLogin, ValidBody: "emailLoginId=abc&code=123456"),
            new("POST", false, "/auth/totp/validate", BodyKind.Json, ErrorFormat.SessionLogin, ValidBody: """{"totpCode":"123456","authToken":"abc"}"""),
            new("GET", false, "/login", BodyKind.None, ErrorFormat.Page, login),
            new("POST", false, "/login", BodyKind.Form, ErrorFormat.Page, login, "email=hostile%40example.com&csrf=abc"),
            new("GET", false, "/login/code", BodyKind.None, ErrorFormat.Page, login),
            new("POST", false, "/login/code", BodyKind.Form, ErrorFormat.Page, login, "code=123456&csrf=abc"),
            new("GET", false, "/login/totp", BodyKind.None, ErrorFormat.Page, login),
            new("POST", false, "/login/totp", BodyKind.Form, ErrorFormat.Page, login, "code=123456&csrf=abc"),
            new("GET", false, "/consent", BodyKind.None, ErrorFormat.Page, consent),
            new("POST", false, "/consent", BodyKind.Form, ErrorFormat.Page, consent, "grant_scope=read&submit=accept&csrf=abc"),
            new("GET", false, "/logout", BodyKind.None, ErrorFormat.Page, "logout_challenge=abc"),
            new("POST", false, "/logout", BodyKind.Form, ErrorFormat.Page, "logout_challenge=abc", "submit=yes&csrf=abc"),
            new("GET", false, "/error", BodyKind.None, ErrorFormat.Page, "problem=expired"),
            new("GET", false, "/account", BodyKind.None, ErrorFormat.Page),
            new("POST", false, "/account/totp", BodyKind.Form, ErrorFormat.Page, ValidBody: "code=123456&csrf=abc"),
            new("POST", false, "/account/api-keys", BodyKind.Form, ErrorFormat.Page, ValidBody: "name=k&csrf=abc"),
            new("GET", false, "/ui/glint.css", BodyKind.None, ErrorFormat.Page),
            new("GET", false, "/health/alive", BodyKind.None, ErrorFormat.Page),
            new("GET", false, "/health/ready", BodyKind.None, ErrorFormat.Page),
            new("POST", true, "/admin/clients", BodyKind.Json, ErrorFormat.Hydra, ValidBody: client),
            new("GET", true, "/admin/clients", BodyKind.None, ErrorFormat.Hydra, "page_size=2&client_name=hostile"),
            new("GET", true, $"/admin/clients/{patchTarget}", BodyKind.None, ErrorFormat.Hydra),
            new("PUT", true, $"/admin/clients/{patchTarget}", BodyKind.Json, ErrorFormat.Hydra, ValidBody: client),
            new("PATCH", true, $"/admin/clients/{patchTarget}", BodyKind.Json, ErrorFormat.Hydra, ValidBody: """[{"op":"replace","path":"/client_name","value":"patched"}]"""),
            new("PUT", true, $"/admin/clients/{patchTarget}/lifespans", BodyKind.Json, ErrorFormat.Hydra, ValidBody: """{"client_credentials_grant_access_token_lifespan":"30m"}"""),
            new("DELETE", true, "/admin/clients/does-not-exist", BodyKind.None, ErrorFormat.Hydra),
            new("POST", true, "/admin/oauth2/introspect", BodyKind.Form, ErrorFormat.OAuth, ValidBody: "token=abc&scope=read"),
            new("GET", true, "/admin/oauth2/auth/requests/login", BodyKind.None, ErrorFormat.Hydra, login),
            new("PUT", true, "/admin/oauth2/auth/requests/login/accept", BodyKind.Json, ErrorFormat.Hydra, login, """{"subject":"hostile-user","remember":false}"""),
            new("PUT", true, "/admin/oauth2/auth/requests/login/reject", BodyKind.Json, ErrorFormat.Hydra, login, """{"error":"access_denied"}"""),
            new("GET", true, "/admin/oauth2/auth/requests/consent", BodyKind.None, ErrorFormat.Hydra, consent),
            new("PUT", true, "/admin/oauth2/auth/requests/consent/accept", BodyKind.Json, ErrorFormat.Hydra, consent, """{"grant_scope":["openid"],"remember":false,"session":{"id_token":{"a":1}}}"""),
            new("PUT", true, "/admin/oauth2/auth/requests/consent/reject", BodyKind.Json, ErrorFormat.Hydra, consent, """{"error":"access_denied"}"""),
            new("GET", true, "/admin/oauth2/auth/requests/logout", BodyKind.None, ErrorFormat.Hydra, "logout_challenge=abc"),
            new("PUT", true, "/admin/oauth2/auth/requests/logout/accept", BodyKind.None, ErrorFormat.Hydra, "logout_challenge=abc"),
            new("PUT", true, "/admin/oauth2/auth/requests/logout/reject", BodyKind.None, ErrorFormat.Hydra, "logout_challenge=abc"),
            new("GET", true, "/admin/oauth2/auth/requests/device", BodyKind.None, ErrorFormat.Hydra, "device_challenge=abc"),
            new("PUT", true, "/admin/oauth2/auth/requests/device/accept", BodyKind.Json, ErrorFormat.Hydra, "device_challenge=abc", """{"user_code":"BCDFGHJK"}"""),
            new("GET", true, "/admin/oauth2/auth/sessions/consent", BodyKind.None, ErrorFormat.Hydra, "subject=hostile-user"),
            new("DELETE", true, "/admin/oauth2/auth/sessions/consent", BodyKind.None, ErrorFormat.Hydra, "subject=hostile-user&client=x"),
            new("DELETE", true, "/admin/oauth2/auth/sessions/login", BodyKind.None, ErrorFormat.Hydra, "subject=hostile-user"),
            new("DELETE", true, "/admin/oauth2/tokens", BodyKind.None, ErrorFormat.Hydra, "client_id=does-not-exist"),
            new("GET", true, "/admin/keys/hydra.openid.id-token", BodyKind.None, ErrorFormat.Hydra),
            new("GET", true, "/admin/health/ready", BodyKind.None, ErrorFormat.Hydra),
            new("GET", true, "/admin/metrics/prometheus", BodyKind.None, ErrorFormat.Hydra),
        ];
        return new HostileScene(server, endpoints);
    }

    public int Port(HostileEndpoint endpoint) => endpoint.Admin ? Server.AdminPort : Server.PublicPort;

    public Task<RawResponse> SendAsync(HostileEndpoint endpoint, string? query = null, byte[]? body = null, string? contentType = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null, bool chunked = false)
    {
        query ??= endpoint.Query;
        var target = System.Text.Encoding.Latin1.GetBytes(endpoint.Path + (query.Length > 0 ? "?" + query : ""));
        return SendRawAsync(endpoint, target, body, contentType, headers, chunked);
    }

    public Task<RawResponse> SendRawAsync(HostileEndpoint endpoint, byte[] target, byte[]? body, string? contentType,
        IEnumerable<KeyValuePair<string, string>>? headers = null, bool chunked = false)
    {
        contentType ??= endpoint.Body switch
        {
            BodyKind.Form => "application/x-www-form-urlencoded",
            BodyKind.Json => "application/json",
            _ => null,
        };
        var all = (headers ?? []).ToList();
        if (endpoint.Authorization is not null && !all.Any(header => header.Key == "Authorization"))
        {
            all.Add(new("Authorization", endpoint.Authorization));
        }

        return RawHttp.SendAsync(Port(endpoint), target, endpoint.Method, contentType, body, all, chunked);
    }

    /// <summary>
    /// A leak of the implementation: a .NET, ASP.NET Core or GraphQL.NET type name, an exception's name, or a stack frame.
    /// </summary>
    [GeneratedRegex(@"System\.|Microsoft\.|GraphQL\.|Exception|OpenIddict\.|Npgsql|\bat [A-Z][A-Za-z]+\.[A-Z]")]
    public static partial Regex Leak();

    /// <summary>The problems with <paramref name="response"/>, if any: a 5xx, or an implementation detail in an error's body.</summary>
    public static string? ServerProblem(RawResponse response) =>
        response.Status >= 500 ? "answered " + response.Status
        : response.Status >= 400 && Leak().Match(response.Body) is { Success: true } leak ? $"leaked '{leak.Value}'"
        : null;

    /// <summary>The problems with a refusal: not a 4xx, a leak, or not the endpoint's error format.</summary>
    public static string? RefusalProblem(HostileEndpoint endpoint, RawResponse response, params int[] statuses)
    {
        if (ServerProblem(response) is { } problem)
        {
            return problem;
        }

        if (response.Status is < 400 or >= 500 || (statuses.Length > 0 && !statuses.Contains(response.Status)))
        {
            return $"answered {response.Status}, expected {(statuses.Length > 0 ? string.Join(" or ", statuses) : "a 4xx")}";
        }

        if (endpoint.Format == ErrorFormat.Page)
        {
            return null;
        }

        JsonObject? json;
        try
        {
            json = JsonNode.Parse(response.Body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            json = null;
        }

        if (json?["error"] is not JsonValue error || !error.TryGetValue<string>(out _))
        {
            return "the body is not the endpoint's JSON error";
        }

        var keys = json.Select(pair => pair.Key).ToHashSet();
        return endpoint.Format switch
        {
            ErrorFormat.Hydra when !keys.SetEquals(["error", "error_description"]) => "not Hydra's error body: " + string.Join(",", keys),
            ErrorFormat.OAuth when !keys.Contains("error_description") => "an OAuth error without error_description",
            _ => null,
        };
    }
}
