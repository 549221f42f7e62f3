using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Glint.Login.Email;

/// <summary>Delivers mail through the operator's SMTP server (<c>smtps://</c> for implicit TLS, <c>smtp://</c> with STARTTLS when offered).</summary>
public sealed partial class SmtpEmailSender(LoginOptions options, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(string recipient, string subject, string body, CancellationToken cancellationToken)
    {
        var server = options.SmtpUri ?? throw new InvalidOperationException("No SMTP server is configured.");
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.MailFrom));
        // Sign-in refuses addresses MimeKit cannot take (EmailLogin.NormalizeEmail); an address stored before that rule,
        // or by other means, is a failed delivery, not an exception from the parser.
        if (!MailboxAddress.TryParse(recipient, out var to))
        {
            throw new EmailDeliveryException("This email address cannot receive mail.");
        }

        message.To.Add(to);
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };

        try
        {
            using var client = new SmtpClient();
            var security = server.Scheme == "smtps" ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
            await client.ConnectAsync(server.Host, server.Port > 0 ? server.Port : 0, security, cancellationToken);
            if (server.UserInfo.Length > 0)
            {
                var (user, password) = Credentials(server.UserInfo);
                await client.AuthenticateAsync(user, password, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The server's answer goes to the operator's log; the user gets a plain message.
            LogDeliveryFailed(logger, server.Host, exception.GetType().Name, exception.Message);
            throw new EmailDeliveryException("We could not send the email right now. Please try again in a moment.", exception);
        }
    }

    private static (string User, string Password) Credentials(string userInfo)
    {
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? (Uri.UnescapeDataString(userInfo), "")
            : (Uri.UnescapeDataString(userInfo[..colon]), Uri.UnescapeDataString(userInfo[(colon + 1)..]));
    }

    [LoggerMessage(EventId = 4401, Level = LogLevel.Error, Message = "Sending a login email through {Host} failed: {Error}: {Detail}")]
    private static partial void LogDeliveryFailed(ILogger logger, string host, string error, string detail);
}
