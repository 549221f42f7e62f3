using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Glint.Server.Tests.OAuth2;

/// <summary>A client's DPoP key (P-256) and the proofs it makes (RFC 9449 §4).</summary>
public sealed class DpopKey : IDisposable
{
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public Dictionary<string, object> PublicJwk()
    {
        var parameters = _ec.ExportParameters(false);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(parameters.Q.X),
            ["y"] = Base64Url.EncodeToString(parameters.Q.Y),
        };
    }

    /// <summary>The RFC 7638 thumbprint, computed here from its definition (not with the library the server uses).</summary>
    public string Thumbprint
    {
        get
        {
            var jwk = PublicJwk();
            var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{jwk["x"]}}","y":"{{jwk["y"]}}"}""";
            return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        }
    }

    /// <summary>
    /// A proof for <paramref name="method"/> <paramref name="url"/>, issued <paramref name="now"/> (the real clock by
    /// default); <paramref name="change"/> edits the claims and <paramref name="header"/> the header before signing.
    /// </summary>
    public string Proof(
        string method, string url, string? accessToken = null, string? nonce = null, DateTimeOffset? now = null,
        Action<Dictionary<string, object>>? change = null, Action<Dictionary<string, object>>? header = null, string type = "dpop+jwt")
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["jti"] = Guid.NewGuid().ToString(),
            ["htm"] = method,
            ["htu"] = url,
            ["iat"] = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
        {
            claims["ath"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        }

        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        change?.Invoke(claims);
        var headers = new Dictionary<string, object>(StringComparer.Ordinal) { ["jwk"] = PublicJwk() };
        header?.Invoke(headers);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = type,
            AdditionalHeaderClaims = headers,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_ec), SecurityAlgorithms.EcdsaSha256),
        });
    }

    public void Dispose() => _ec.Dispose();
}

public static class DpopCalls
{
    public static string Url(this GlintServerFixture server, string path) => $"http://127.0.0.1:{server.PublicPort}{path}";

    /// <summary><c>POST /oauth2/token</c> with a <c>DPoP</c> header (when given); the secret in HTTP Basic, a public client sends its id.</summary>
    public static async Task<HttpResponseMessage> DpopTokenAsync(this GlintServerFixture server, FlowClient client, IDictionary<string, string> form, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token");
        var fields = new Dictionary<string, string>(form);
        if (client.Secret is null)
        {
            fields["client_id"] = client.Id;
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.Id)}:{Uri.EscapeDataString(client.Secret)}")));
        }

        if (proof is not null)
        {
            request.Headers.TryAddWithoutValidation("DPoP", proof);
        }

        request.Content = new FormUrlEncodedContent(fields);
        return await server.Public.SendAsync(request);
    }

    /// <summary>A <c>client_credentials</c> client with a secret; <paramref name="extra"/> adds to its registration.</summary>
    public static async Task<FlowClient> CreateMachineClientAsync(this GlintServerFixture server, Action<JsonObject>? extra = null)
    {
        var body = new JsonObject
        {
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = "read",
        };
        extra?.Invoke(body);
        var created = await server.CreateClientAsync(body.ToJsonString());
        return new FlowClient(created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>(), "");
    }

    public static Dictionary<string, string> ClientCredentials => new() { ["grant_type"] = "client_credentials", ["scope"] = "read" };

    /// <summary>
    /// A request to a resource with the token under <paramref name="scheme"/> (null: in <c>Oauth2-Token</c>) and a proof
    /// (when given); a POST without a JSON body sends an empty form.
    /// </summary>
    public static async Task<HttpResponseMessage> ResourceAsync(this GlintServerFixture server, HttpMethod method, string path, string token, string? scheme, string? proof, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (scheme is null)
        {
            request.Headers.Add("Oauth2-Token", token);
        }
        else
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {token}");
        }

        if (proof is not null)
        {
            request.Headers.TryAddWithoutValidation("DPoP", proof);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        else if (method == HttpMethod.Post)
        {
            request.Content = new FormUrlEncodedContent([]);
        }

        return await server.Public.SendAsync(request);
    }

    public static string MeQuery => JsonSerializer.Serialize(new { query = "query { me { id } }" });

    public static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, string? descriptionContains = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {error}, got {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(error, body["error"]!.GetValue<string>());
        if (descriptionContains is not null)
        {
            Assert.Contains(descriptionContains, body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Null(body["access_token"]);
    }

    /// <summary>A 401 with a DPoP challenge naming <paramref name="error"/> (RFC 9449 §7.1).</summary>
    public static void AssertDpopChallenge(HttpResponseMessage response, string error)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(value => value.ToString()));
        Assert.StartsWith("DPoP ", challenge, StringComparison.Ordinal);
        Assert.Contains($"error=\"{error}\"", challenge, StringComparison.Ordinal);
    }
}
