using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Glint.Auth.Clients;

/// <summary>
/// The public keys of clients that publish them at a <c>jwks_uri</c>, for <c>private_key_jwt</c>. A set is fetched
/// with bounded time and size, kept for <see cref="Lifetime"/> (a failed fetch for <see cref="FailureLifetime"/>, so
/// a dead address is not asked on every request), and shared by the node's requests. Only <c>https</c> addresses are
/// fetched; plain <c>http</c> only on loopback, and only when the server itself runs on plain http or in dev mode.
/// Loopback, private, link-local and metadata addresses are refused when connecting (the callbacks' rule,
/// <see cref="Glint.Data.Network.GuardedConnect"/>) unless the operator allows private targets.
/// </summary>
public sealed partial class ClientKeySets(IHttpClientFactory http, AuthSettings settings, TimeProvider time, ILogger<ClientKeySets> logger)
{
    public const string HttpClientName = "glint-client-jwks";

    /// <summary>How long one fetch may take, all included.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The largest key set read; a client's keys fit in a few kilobytes.</summary>
    public const int MaxBytes = 64 * 1024;

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FailureLifetime = TimeSpan.FromSeconds(30);
    private const int MaxEntries = 1_000;

    private sealed record Entry(JsonWebKeySet? Keys, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry>>> _fetching = new(StringComparer.Ordinal);

    /// <summary>True when Glint would fetch keys from <paramref name="jwksUri"/> at all.</summary>
    public bool MayFetch(string jwksUri) =>
        Uri.TryCreate(jwksUri, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && (settings.AllowHttp || settings.Dev)));

    /// <summary>The key set at <paramref name="jwksUri"/>, from the cache or fetched once for all waiting requests; null when unavailable.</summary>
    public async ValueTask<JsonWebKeySet?> GetAsync(string jwksUri, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(jwksUri, out var cached) && cached.Expires > now)
        {
            return cached.Keys;
        }

        if (!MayFetch(jwksUri))
        {
            return null;
        }

        var fetch = _fetching.GetOrAdd(jwksUri, uri => new Lazy<Task<Entry>>(() => FetchAsync(uri)));
        try
        {
            var entry = await fetch.Value.WaitAsync(cancellationToken);
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            _entries[jwksUri] = entry;
            return entry.Keys;
        }
        finally
        {
            _fetching.TryRemove(new KeyValuePair<string, Lazy<Task<Entry>>>(jwksUri, fetch));
        }
    }

    /// <summary>The keys the set holds when it is already cached, without fetching: for callers that cannot wait.</summary>
    public JsonWebKeySet? Cached(string jwksUri) =>
        _entries.TryGetValue(jwksUri, out var cached) && cached.Expires > time.GetUtcNow() ? cached.Keys : null;

    private async Task<Entry> FetchAsync(string jwksUri)
    {
        // Not the caller's token: a fetch serves every request waiting for it, and has its own deadline.
        using var timeout = new CancellationTokenSource(FetchTimeout);
        try
        {
            var client = http.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, jwksUri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxBytes)
            {
                LogFetchFailed(logger, jwksUri, $"status {(int)response.StatusCode}, {response.Content.Headers.ContentLength} bytes announced");
                return new Entry(null, time.GetUtcNow() + FailureLifetime);
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[MaxBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), timeout.Token)) > 0)
            {
                length += read;
            }

            if (length > MaxBytes)
            {
                LogFetchFailed(logger, jwksUri, $"more than {MaxBytes} bytes");
                return new Entry(null, time.GetUtcNow() + FailureLifetime);
            }

            var keys = JsonWebKeySet.Create(System.Text.Encoding.UTF8.GetString(buffer, 0, length));
            return new Entry(keys, time.GetUtcNow() + Lifetime);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            LogFetchFailed(logger, jwksUri, exception.GetType().Name);
            return new Entry(null, time.GetUtcNow() + FailureLifetime);
        }
    }

    [LoggerMessage(EventId = 4220, Level = LogLevel.Warning, Message = "A client's key set could not be fetched from {JwksUri}: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string jwksUri, string reason);
}
