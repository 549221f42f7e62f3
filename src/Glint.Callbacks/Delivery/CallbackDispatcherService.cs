using System.Threading.Channels;
using Glint.Data.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Glint.Callbacks.Delivery;

/// <summary>
/// Runs the dispatcher on every node, off the request path: at once when a payment is announced on the notification
/// channel (so on PostgreSQL when any node commits one), and otherwise every poll interval, for retries and for
/// deliveries whose announcement was missed. A pass that found work is followed by another straight away.
/// </summary>
public sealed partial class CallbackDispatcherService(
    CallbackDispatcher dispatcher, INotificationChannel channel, IOptions<CallbackOptions> options, TimeProvider time, ILogger<CallbackDispatcherService> logger)
    : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = channel.Subscribe(message =>
        {
            // Wallet events are small JSON documents; any payment or paid invoice may have queued deliveries.
            if (message.Contains("\"payment_", StringComparison.Ordinal) || message.Contains("\"invoice_paid\"", StringComparison.Ordinal))
            {
                _wake.Writer.TryWrite(true);
            }
        });

        while (!stoppingToken.IsCancellationRequested)
        {
            int attempted;
            try
            {
                attempted = await dispatcher.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A database that is briefly away must not end delivery for the life of the process.
                LogPassFailed(logger, exception);
                attempted = 0;
            }

            if (attempted == 0)
            {
                await WaitAsync(stoppingToken);
            }
        }
    }

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var timer = Task.Delay(options.Value.PollInterval, time, poll.Token);
        var woken = _wake.Reader.WaitToReadAsync(poll.Token).AsTask();
        await Task.WhenAny(timer, woken);
        await poll.CancelAsync();
        _wake.Reader.TryRead(out _);
        try
        {
            await Task.WhenAll(timer, woken);
        }
        catch (OperationCanceledException)
        {
            // The one that did not finish was cancelled.
        }
    }

    [LoggerMessage(EventId = 7000, Level = LogLevel.Error, Message = "A callback delivery pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
