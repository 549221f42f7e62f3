using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Glint.Login.Phones;

/// <summary>
/// Sends text messages through the configured provider (<see cref="SmsOptions"/>). A refusal or an unreachable
/// provider is logged with its status and the provider's error code only (never the credentials, the recipient's
/// message or the provider's text, which may quote it), and the user is told plainly to try again.
/// </summary>
public sealed partial class HttpSmsSender(HttpClient http, SmsOptions options, ILogger<HttpSmsSender> logger) : ISmsSender
{
    public const string Unavailable = "We could not send the text message right now. Please try again in a moment.";

    public async Task SendAsync(string phone, string body, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string> { ["To"] = phone, ["Body"] = body };
        if (options.MessagingServiceSid is { Length: > 0 } service)
        {
            fields["MessagingServiceSid"] = service;
        }
        else
        {
            fields["From"] = options.From ?? "";
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, options.MessagesUrl) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(options.AccountSid + ":" + options.AuthToken)));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            LogRefused(logger, options.MessagesUrl.Host, (int)response.StatusCode, await ProviderCodeAsync(response, timeout.Token));
            throw new SmsDeliveryException(Unavailable);
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnreachable(logger, options.MessagesUrl.Host, exception.GetType().Name);
            throw new SmsDeliveryException(Unavailable, exception);
        }
    }

    /// <summary>The provider's numeric error code (Twilio's <c>code</c>), read from at most 16 KiB of its answer.</summary>
    private static async Task<string> ProviderCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var buffer = new byte[16 * 1024];
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
            return json.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetRawText() : "none";
        }
        catch (JsonException)
        {
            return "none";
        }
    }

    [LoggerMessage(EventId = 4404, Level = LogLevel.Error, Message = "The SMS provider {Host} refused a sign-in code message: HTTP {Status}, provider error code {ProviderCode}")]
    private static partial void LogRefused(ILogger logger, string host, int status, string providerCode);

    [LoggerMessage(EventId = 4405, Level = LogLevel.Error, Message = "The SMS provider {Host} could not be reached: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string host, string error);
}
