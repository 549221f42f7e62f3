namespace Glint.Login.Phones;

/// <summary>Sends the one-time codes by text message. A failure throws <see cref="SmsDeliveryException"/>, whose message users may see.</summary>
public interface ISmsSender
{
    Task SendAsync(string phone, string body, CancellationToken cancellationToken);
}

public sealed class SmsDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Where no SMS provider is configured outside development: phone sign-in is refused with a plain reason, since the
/// codes could otherwise only be kept in the database and the log.
/// </summary>
public sealed class NoSmsProvider : ISmsSender
{
    public Task SendAsync(string phone, string body, CancellationToken cancellationToken) =>
        throw new SmsDeliveryException("Sign-in by phone is not available on this server. Please use your email address.");
}
