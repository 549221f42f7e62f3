using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Glint.Callbacks;
using Glint.Data.Network;
using Microsoft.Extensions.Options;

namespace Glint.Api.LightningAddresses;

/// <summary>
/// GETs the JSON of LNURL services other than this server, under the callbacks' address rule
/// (<c>webhooks.allow_private_targets</c>, checked on the address connected to, by <see cref="GuardedConnect"/>):
/// https only (plain http only to a loopback host, and only when private targets are allowed, as in development),
/// no proxy, no redirects, no cookies, at most <see cref="Timeout"/> and <see cref="MaxResponseBytes"/> per answer.
/// </summary>
public sealed class LnurlFetcher : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public const int MaxResponseBytes = 64 * 1024;

    private readonly HttpClient _client;
    private readonly TimeProvider _time;

    public LnurlFetcher(IOptions<CallbackOptions> options, TimeProvider time)
        : this(options, time, wrap: null)
    {
    }

    /// <summary><paramref name="wrap"/> may put a handler of its own around the guarded one (tests count the requests this way).</summary>
    public LnurlFetcher(IOptions<CallbackOptions> options, TimeProvider time, Func<HttpMessageHandler, HttpMessageHandler>? wrap)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        AllowPrivateTargets = options.Value.AllowPrivateTargets;
        var allowPrivate = AllowPrivateTargets;
        HttpMessageHandler handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
            ConnectCallback = GuardedConnect.Callback(allowPrivate, "this server"),
        };
        _client = new HttpClient(wrap is null ? handler : wrap(handler)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Glint-LNURL/1.0");
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>Whether plain http to a loopback host, and private addresses, may be reached (<c>webhooks.allow_private_targets</c>).</summary>
    public bool AllowPrivateTargets { get; }

    /// <summary>Why <paramref name="url"/> may not be fetched, or null.</summary>
    public string? Refusal(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme == "https" || (url.Scheme == "http" && url.IsLoopback && AllowPrivateTargets))
        {
            return url.UserInfo.Length > 0 ? $"{url.Host}: a URL with credentials is not fetched." : null;
        }

        return $"{url.Host}: only https URLs are fetched.";
    }

    /// <summary>The JSON object at <paramref name="url"/>, or why there is none, in words fit for the payer.</summary>
    public async Task<(JsonElement? Json, string? Problem)> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (Refusal(url) is { } refusal)
        {
            return (null, refusal);
        }

        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, $"{url.Host} answered HTTP {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                return (null, $"{url.Host} answered with more than {MaxResponseBytes} bytes.");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            var body = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer, linked.Token)) > 0)
            {
                if (body.Length + read > MaxResponseBytes)
                {
                    return (null, $"{url.Host} answered with more than {MaxResponseBytes} bytes.");
                }

                body.Write(buffer, 0, read);
            }

            using var document = JsonDocument.Parse(body.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (null, $"{url.Host} did not answer with a JSON object.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"{url.Host} did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException exception)
        {
            return (null, exception.InnerException is ForbiddenTargetException forbidden ? forbidden.Message + "." : $"{url.Host} could not be reached.");
        }
        catch (JsonException)
        {
            return (null, $"{url.Host} did not answer with JSON.");
        }
    }

    public void Dispose() => _client.Dispose();
}
