using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glint.Cli.Connection;

/// <summary>The answer of a call that succeeded: its status, body and headers.</summary>
public sealed record GlintResponse(HttpStatusCode Status, string? Reason, string Body, HttpResponseHeaders Headers)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>
/// Calls to one Glint endpoint. Anything but the expected answer becomes a <see cref="CliException"/> that names the
/// URL tried and lays out the server's error JSON field by field.
/// </summary>
public sealed class GlintHttp(Uri endpoint, string unreachableHint) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri Endpoint { get; } = endpoint;

    /// <summary>An endpoint may carry a path prefix (a proxy's mount point); paths are appended to it.</summary>
    public Uri Url(string pathAndQuery) => new(Endpoint.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    public Task<GlintResponse> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    public Task<GlintResponse> SendJsonAsync(HttpMethod method, string path, JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(method, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), null, cancellationToken);

    public Task<GlintResponse> PostFormAsync(
        string path, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken,
        bool acceptError = false) =>
        SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent(form), authorization, cancellationToken, acceptError);

    public Task<GlintResponse> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, null, cancellationToken);

    /// <summary>Sends the request; a non-success status is a <see cref="CliException"/> unless <paramref name="acceptError"/> is set.</summary>
    public async Task<GlintResponse> SendAsync(
        HttpMethod method, string path, HttpContent? content, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken, bool acceptError = false)
    {
        var url = Url(path);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new CliException($"could not connect to {Endpoint} ({exception.InnerException?.Message ?? exception.Message}). {unreachableHint}");
        }
        catch (HttpRequestException exception)
        {
            throw new CliException($"{method} {url} failed: {exception.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{method} {url} got no answer within {_http.Timeout.TotalSeconds:0} seconds.");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode && !acceptError)
            {
                throw ServerError(method, url, response.StatusCode, response.ReasonPhrase, body);
            }

            return new GlintResponse(response.StatusCode, response.ReasonPhrase, body, response.Headers);
        }
    }

    /// <summary>The failure for an error answer that a caller accepted first and then gave up on.</summary>
    public CliException ServerError(HttpMethod method, string path, GlintResponse response) =>
        ServerError(method, Url(path), response.Status, response.Reason, response.Body);

    /// <summary>The server's error, readable: one line per member of its error JSON (Hydra's or OAuth's shape).</summary>
    public static CliException ServerError(HttpMethod method, Uri url, HttpStatusCode status, string? reason, string body)
    {
        var heading = $"{method} {url} answered {(int)status} {reason}".TrimEnd();
        JsonObject? error = null;
        try
        {
            error = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): shown as text below.
        }

        if (error is null)
        {
            var text = body.Trim();
            return new CliException(heading, text.Length == 0 ? [] : [text.Length > 2000 ? text[..2000] + " …" : text]);
        }

        var width = error.Select(member => member.Key.Length).DefaultIfEmpty(0).Max() + 1;
        var lines = error.Select(member =>
            ((member.Key + ":").PadRight(width) + " " + (member.Value is JsonValue value && value.TryGetValue<string>(out var text) ? text : member.Value?.ToJsonString() ?? "null")).TrimEnd());
        return new CliException(heading, [.. lines]);
    }

    public void Dispose() => _http.Dispose();
}
