using System.Globalization;
using System.Text;
using Glint.Callbacks.Endpoints;
using Glint.Data.Network;
using Microsoft.Extensions.Options;

namespace Glint.Callbacks.Delivery;

/// <summary>How one attempt ended: the HTTP status when there was an answer.</summary>
public sealed record AttemptResult(bool Delivered, int? StatusCode, string? Failure);

/// <summary>
/// Sends one signed delivery. Connections are made by <see cref="GuardedConnect"/>, which refuses a forbidden address
/// (unless the operator allows private targets) after resolving the name itself, so the address checked is the one
/// connected to: a DNS answer that changed since the endpoint was added cannot reach an internal service. No proxy and
/// no redirects, for the same reason.
/// </summary>
public sealed class CallbackSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly TimeProvider _time;

    public CallbackSender(IOptions<CallbackOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = RetrySchedule.AttemptTimeout,
            // Short-lived connections, so a DNS change reaches the next connection and the address check with it.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
            ConnectCallback = GuardedConnect.Callback(options.Value.AllowPrivateTargets, "callbacks"),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Glint-Webhooks/1.0");
    }

    /// <summary>POSTs <paramref name="body"/> signed with <paramref name="key"/>; a 2xx within the timeout is a success.</summary>
    public async Task<AttemptResult> SendAsync(string url, byte[] key, string messageId, string body, CancellationToken cancellationToken)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", SigningSecret.Sign(key, messageId, timestamp, body));
        using var timeout = new CancellationTokenSource(RetrySchedule.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            return new AttemptResult(status is >= 200 and < 300, status, status is >= 200 and < 300 ? null : "HTTP " + status.ToString(CultureInfo.InvariantCulture));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(false, null, "no answer within " + RetrySchedule.AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s");
        }
        catch (HttpRequestException exception)
        {
            return new AttemptResult(false, null, exception.InnerException is ForbiddenTargetException forbidden ? forbidden.Message : "connection failed");
        }
    }

    public void Dispose() => _client.Dispose();
}
