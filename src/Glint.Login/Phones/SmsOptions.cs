namespace Glint.Login.Phones;

/// <summary>
/// An SMS provider with Twilio's Messages API: a form POST to <c>{Url}/Accounts/{AccountSid}/Messages.json</c> with
/// HTTP Basic authentication (<see cref="AccountSid"/>, <see cref="AuthToken"/>) and <c>To</c>, <c>Body</c> and either
/// <c>From</c> or <c>MessagingServiceSid</c>.
/// </summary>
public sealed class SmsOptions
{
    /// <summary>The API's base, e.g. <c>https://api.twilio.com/2010-04-01</c>.</summary>
    public required Uri Url { get; init; }

    public required string AccountSid { get; init; }

    /// <summary>A secret: sent only in the Authorization header, never logged.</summary>
    public required string AuthToken { get; init; }

    /// <summary>The sending number (E.164) or alphanumeric sender id; used when no messaging service is set.</summary>
    public string? From { get; init; }

    public string? MessagingServiceSid { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public Uri MessagesUrl => new(Url.AbsoluteUri.TrimEnd('/') + "/Accounts/" + Uri.EscapeDataString(AccountSid) + "/Messages.json");
}
