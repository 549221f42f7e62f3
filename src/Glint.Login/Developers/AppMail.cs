using Glint.Data;
using Glint.Data.Developers;
using Glint.Login.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Glint.Login.Developers;

/// <summary>Tells the developer about every decision on their app, at the email they sign in with (SMTP or the dev outbox).</summary>
public sealed partial class AppMail(GlintDbContext db, IEmailSender email, ILogger<AppMail> logger)
{
    public async Task DecidedAsync(DeveloperApp app, string decision, string? message, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(app.Subject, out var userId) ||
            await db.Users.Where(user => user.Id == userId).Select(user => user.Email).FirstOrDefaultAsync(cancellationToken) is not { Length: > 0 } to)
        {
            return;
        }

        var body = $"The operator's decision on your app \"{app.Name}\": {decision}." +
            (string.IsNullOrWhiteSpace(message) ? "" : $"\n\nMessage from the operator:\n{message}") +
            $"\n\nSee it in the developer portal: /developers/apps/{app.Id:D}";
        try
        {
            await email.SendAsync(to, $"Your app {app.Name}: {decision}", body, cancellationToken);
        }
        catch (EmailDeliveryException failure)
        {
            // The decision stands; the developer also sees it in the portal.
            LogNotSent(logger, app.Id, failure.Message);
        }
    }

    [LoggerMessage(EventId = 4403, Level = LogLevel.Warning, Message = "The decision on app {AppId} could not be emailed: {Reason}")]
    private static partial void LogNotSent(ILogger logger, Guid appId, string reason);
}
