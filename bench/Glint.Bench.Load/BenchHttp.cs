using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glint.Bench.Load;

/// <summary>A request that did not answer as the scenario needs; it counts as an error of the run.</summary>
public sealed class BenchFailureException(string message) : Exception(message);

/// <summary>
/// One pooled HTTP client for every worker: redirects are never followed (each hop is a step the driver checks)
/// and cookies are not kept here, but per flow (<see cref="CookieJar"/>), so flows never share a browser.
/// </summary>
public static class BenchHttp
{
    public static HttpClient Create() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static AuthenticationHeaderValue Basic(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(id) + ":" + Uri.EscapeDataString(secret))));

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>The JSON body of a response that must have <paramref name="expected"/> as its status.</summary>
    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected, string step, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != expected)
        {
            throw new BenchFailureException($"{step}: {(int)response.StatusCode} {Truncate(text)}");
        }

        return JsonNode.Parse(text)?.AsObject() ?? throw new BenchFailureException($"{step}: empty body");
    }

    /// <summary>A GraphQL call that must answer 200 without errors; returns <c>data</c>.</summary>
    public static async Task<JsonObject> GraphQLAsync(
        HttpClient http, Uri publicUrl, string header, string credential, string query, object? variables, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(publicUrl, "graphql")) { Content = Json(new { query, variables }) };
        request.Headers.TryAddWithoutValidation(header, credential);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await ReadJsonAsync(response, HttpStatusCode.OK, "graphql", cancellationToken);
        if (body["errors"] is JsonArray { Count: > 0 } errors)
        {
            throw new BenchFailureException("graphql: " + Truncate(errors.ToJsonString()));
        }

        return body["data"]?.AsObject() ?? throw new BenchFailureException("graphql: no data");
    }

    public static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
