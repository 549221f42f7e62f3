namespace Glint.Login.Email;

/// <summary>Sends the one-time codes. A failure throws <see cref="EmailDeliveryException"/>, whose message users may see.</summary>
public interface IEmailSender
{
    Task SendAsync(string recipient, string subject, string body, CancellationToken cancellationToken);
}

public sealed class EmailDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
