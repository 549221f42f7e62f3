using Glint.Data.Notifications;
using Microsoft.Extensions.Logging;

namespace Glint.Wallets.Events;

/// <summary>Publishes wallet events to every node and lets subscribers (the API's subscriptions) hear the ones they want.</summary>
public sealed partial class WalletEvents(INotificationChannel channel, ILogger<WalletEvents> logger)
{
    /// <summary>Publishes after the fact: a failure to notify never undoes or fails a payment, it is logged.</summary>
    public async Task PublishAsync(IEnumerable<WalletEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events.ToList();
        try
        {
            await channel.PublishAsync([.. list.Select(walletEvent => walletEvent.Serialize())], cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPublishFailed(logger, string.Join(", ", list.Select(walletEvent => walletEvent.Kind)), exception);
        }
    }

    /// <summary>Calls <paramref name="onEvent"/> for each event that <paramref name="wanted"/> accepts; it must not block.</summary>
    public IDisposable Subscribe(Func<WalletEvent, bool> wanted, Action<WalletEvent> onEvent)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(onEvent);
        return channel.Subscribe(message =>
        {
            if (WalletEvent.Parse(message) is { } walletEvent && wanted(walletEvent))
            {
                onEvent(walletEvent);
            }
        });
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Wallet events ({Kinds}) could not be published")]
    private static partial void LogPublishFailed(ILogger logger, string kinds, Exception exception);
}
