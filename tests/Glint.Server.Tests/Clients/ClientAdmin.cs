using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Clients;

/// <summary>A response of the admin API, read completely, so that tests can assert on status, headers and body.</summary>
public sealed record AdminResponse(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The body is JSON null.");

    public JsonObject Document => Json.AsObject();

    public JsonArray Items => Json.AsArray();

    public string Describe() => $"{(int)Status} {Body}";
}

/// <summary>Calls of the client admin API and the checks the client tests share.</summary>
public static partial class ClientAdmin
{
    public const string ClientsPath = "/admin/clients";

    /// <summary>Hydra's fixed text in front of every <c>invalid_client_metadata</c> hint.</summary>
    public const string InvalidClientMetadataPrefix =
        "The value of one of the Client Metadata fields is invalid and the server has rejected this request. " +
        "Note that an Authorization Server MAY choose to substitute a valid value for any requested parameter of a Client's Metadata. ";

    public const string InvalidRedirectUriPrefix = "The value of one or more redirect_uris is invalid. ";

    public const string Malformed = "The request was malformed or contained invalid parameters";

    public const string NotFound = "Unable to locate the resource";

    public static readonly string[] LifespanFields =
    [
        "authorization_code_grant_access_token_lifespan",
        "authorization_code_grant_id_token_lifespan",
        "authorization_code_grant_refresh_token_lifespan",
        "client_credentials_grant_access_token_lifespan",
        "implicit_grant_access_token_lifespan",
        "implicit_grant_id_token_lifespan",
        "jwt_bearer_grant_access_token_lifespan",
        "refresh_token_grant_id_token_lifespan",
        "refresh_token_grant_access_token_lifespan",
        "refresh_token_grant_refresh_token_lifespan",
    ];

    /// <summary>An RSA public key (2048 bit) as a JWK, for clients that register keys.</summary>
    public const string RsaPublicJwk = """
        {"kty":"RSA","use":"sig","alg":"RS256","kid":"glint-test-key","e":"AQAB","n":"pF_6dQNXiIkFPVfZr3Mdoj5T2rrruZ2wbZAI5qMweEFopWySiXPKmyz2QZREHbY1XwgHOHmwhxU8YXvc5vpe8ICIftgjt-Mm3Y3mBsIVywVBVdF1HDmQsnwp3faitMe8XYSuNK27L5b8quEGoHf2UV5dIsii1iWWdfyBKX7a_EeKfI_wD7xytHNO3673gDWwsC2SuFEvEzgh0h1dTsbUBkQpAcKMnPQ0kVHxOkxnAIS5Dufue11Sy4GtnC7XtITYdCF9looM7UdJdjVc9V1D1KuKnF0wVmFBWxle2WWb4JvpUoR7P8YBK-31wGDqYdByM0NL9vvtaXUQuDFbk74OXQ"}
        """;

    /// <summary>Every field of Hydra's client set to something other than its default (as far as Glint allows).</summary>
    public static JsonObject FullClient(string id) => Body($$$"""
        {
          "client_id": "{{{id}}}",
          "client_name": "Full Client ä€",
          "client_secret": "full-client-secret",
          "redirect_uris": ["https://app.example.com/cb", "com.example.app:/oauth2redirect"],
          "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
          "response_types": ["code", "id_token"],
          "scope": "openid offline read write",
          "audience": ["https://api.example.com", "https://wallet.example.com"],
          "owner": "full-owner",
          "policy_uri": "https://app.example.com/policy",
          "allowed_cors_origins": ["https://app.example.com", "http://localhost:3000"],
          "tos_uri": "https://app.example.com/tos",
          "client_uri": "https://app.example.com",
          "logo_uri": "https://app.example.com/logo.png",
          "contacts": ["admin@example.com", "ops@example.com"],
          "client_secret_expires_at": 0,
          "subject_type": "public",
          "jwks": {"keys": [{{{RsaPublicJwk}}}]},
          "token_endpoint_auth_method": "client_secret_post",
          "token_endpoint_auth_signing_alg": "RS256",
          "request_uris": ["https://app.example.com/request.jwt"],
          "request_object_signing_alg": "RS256",
          "userinfo_signed_response_alg": "RS256",
          "frontchannel_logout_uri": "https://app.example.com/logout/front",
          "frontchannel_logout_session_required": true,
          "post_logout_redirect_uris": ["https://app.example.com/bye"],
          "backchannel_logout_uri": "https://app.example.com/logout/back",
          "backchannel_logout_session_required": true,
          "metadata": {"tier": "gold", "nested": {"list": [1, "two", true, null], "n": 1.5}},
          "access_token_strategy": "jwt",
          "skip_consent": true,
          "skip_logout_consent": true,
          "authorization_code_grant_access_token_lifespan": "1h0m0s",
          "authorization_code_grant_id_token_lifespan": "30m0s",
          "authorization_code_grant_refresh_token_lifespan": "720h0m0s",
          "client_credentials_grant_access_token_lifespan": "5m0s",
          "implicit_grant_access_token_lifespan": "15m0s",
          "implicit_grant_id_token_lifespan": "1h30m0s",
          "jwt_bearer_grant_access_token_lifespan": "10m0s",
          "refresh_token_grant_id_token_lifespan": "45m0s",
          "refresh_token_grant_access_token_lifespan": "2h0m0s",
          "refresh_token_grant_refresh_token_lifespan": "1440h0m0s"
        }
        """);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string NewId(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}";

    public static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();

    public static Task<AdminResponse> SendAsync(this HttpClient http, HttpMethod method, string path, JsonNode? body) =>
        http.SendAsync(method, path, body?.ToJsonString());

    public static async Task<AdminResponse> SendAsync(this HttpClient http, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new AdminResponse(response.StatusCode, text, response.Headers, response.Content.Headers);
    }

    public static Task<AdminResponse> PostClientAsync(this GlintServerFixture server, JsonNode body) =>
        server.Admin.SendAsync(HttpMethod.Post, ClientsPath, body);

    public static Task<AdminResponse> PostClientAsync(this GlintServerFixture server, string body) =>
        server.Admin.SendAsync(HttpMethod.Post, ClientsPath, body);

    /// <summary>Creates a client and asserts the 201.</summary>
    public static async Task<JsonObject> CreateAsync(this GlintServerFixture server, JsonNode body)
    {
        var response = await server.PostClientAsync(body);
        Assert.True(response.Status == HttpStatusCode.Created, "create client: " + response.Describe());
        return response.Document;
    }

    public static async Task<JsonObject> GetClientAsync(this GlintServerFixture server, string id)
    {
        var response = await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}/{Uri.EscapeDataString(id)}");
        Assert.True(response.Status == HttpStatusCode.OK, "get client: " + response.Describe());
        return response.Document;
    }

    /// <summary>A client that may use client_credentials, so that a token request proves which secret is valid.</summary>
    public static Task<JsonObject> CreateMachineClientAsync(this GlintServerFixture server, string? id = null, string? secret = null) =>
        server.CreateAsync(new JsonObject
        {
            ["client_id"] = id ?? NewId("m"),
            ["client_secret"] = secret ?? "",
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = "read write",
        });

    /// <summary>POST /oauth2/token with client_credentials and Basic auth; returns the status and the body.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body)> ClientCredentialsAsync(
        this GlintServerFixture server, string clientId, string secret, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var response = await server.TokenAsync(clientId, secret, form);
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    public static async Task AssertSecretWorksAsync(this GlintServerFixture server, string clientId, string secret)
    {
        var (status, body) = await server.ClientCredentialsAsync(clientId, secret);
        Assert.True(status == HttpStatusCode.OK, $"token with secret '{secret}': {(int)status} {body.ToJsonString()}");
        Assert.False(string.IsNullOrEmpty(body["access_token"]?.GetValue<string>()));
    }

    public static async Task AssertSecretRefusedAsync(this GlintServerFixture server, string clientId, string secret)
    {
        var (status, body) = await server.ClientCredentialsAsync(clientId, secret);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body["error"]?.GetValue<string>());
    }

    /// <summary>Asserts a Hydra admin error: the status, exactly the keys error and error_description, and the texts.</summary>
    public static void AssertError(AdminResponse response, HttpStatusCode status, string error, string? description = null, string? descriptionContains = null)
    {
        Assert.True(response.Status == status, $"expected {(int)status}, got {response.Describe()}");
        Assert.Equal("application/json; charset=utf-8", response.ContentHeaders.ContentType?.ToString());
        var body = response.Document;
        Assert.Equal(["error", "error_description"], body.Select(pair => pair.Key));
        Assert.Equal(error, body["error"]!.GetValue<string>());
        var actualDescription = body["error_description"]!.GetValue<string>();
        if (description is not null)
        {
            Assert.Equal(description, actualDescription);
        }

        if (descriptionContains is not null)
        {
            Assert.Contains(descriptionContains, actualDescription, StringComparison.Ordinal);
        }
    }

    public static void AssertInvalidClientMetadata(AdminResponse response, string hint) =>
        AssertError(response, HttpStatusCode.BadRequest, "invalid_client_metadata", InvalidClientMetadataPrefix + hint);

    public static void AssertNotFound(AdminResponse response) =>
        AssertError(response, HttpStatusCode.NotFound, NotFound, "");

    public static string Text(this JsonNode? node) => node!.GetValue<string>();

    public static string[] Strings(this JsonNode? node) => node!.AsArray().Select(item => item!.GetValue<string>()).ToArray();

    public static void AssertTimestamp(JsonNode? value) =>
        Assert.Matches(TimestampPattern(), value.Text());

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex TimestampPattern();

    /// <summary>The JSON as the golden files hold it: indented, property order kept.</summary>
    public static string Canonical(JsonNode? node) => (node?.ToJsonString(Indented) ?? "null").ReplaceLineEndings("\n");

    /// <summary>A copy of <paramref name="node"/> with the values of the named top-level fields replaced, where present.</summary>
    public static JsonObject Mask(JsonObject node, params string[] fields)
    {
        var copy = node.DeepClone().AsObject();
        foreach (var field in fields)
        {
            if (copy.ContainsKey(field))
            {
                copy[field] = "<masked>";
            }
        }

        return copy;
    }
}
