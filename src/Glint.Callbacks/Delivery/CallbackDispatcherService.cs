using System.Threading.Channels;
using Glint.Wallets.Callbacks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Glint.Callbacks.Delivery;

/// <summary>
/// Runs the dispatcher on every node, off the request path: at once when this node queued deliveries (a payment to or
/// from an account with endpoints, a resend), and otherwise every poll interval, for retries, for deliveries queued by
/// other nodes and for those whose node stopped. A pass that found work is followed by another straight away. The first
/// pass waits for the <see cref="FirstPassGate"/>, when there is one.
/// </summary>
public sealed partial class CallbackDispatcherService(
    CallbackDispatcher dispatcher, CallbackOutbox outbox, IOptions<CallbackOptions> options, TimeProvider time, ILogger<CallbackDispatcherService> logger,
    FirstPassGate? gate = null)
    : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void Wake() => _wake.Writer.TryWrite(true);
        outbox.Queued += Wake;
        try
        {
            if (gate is not null)
            {
                await gate.WaitAsync(stoppingToken);
            }

            await RunAsync(stoppingToken);
        }
        finally
        {
            outbox.Queued -= Wake;
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // The poll timer starts before the pass: a clock that moves while the pass runs is either seen by the pass
            // or fires the timer, never neither.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var timer = Task.Delay(options.Value.PollInterval, time, wait.Token);
            var woken = _wake.Reader.WaitToReadAsync(wait.Token).AsTask();
            _wake.Reader.TryRead(out _);
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
                await Task.WhenAny(timer, woken);
            }

            await wait.CancelAsync();
            await EndedAsync(timer);
            await EndedAsync(woken);
        }
    }

    /// <summary>Waits for a wait that was cancelled or has completed.</summary>
    private static async Task EndedAsync(Task wait)
    {
        try
        {
            await wait;
        }
        catch (OperationCanceledException)
        {
            // Cancelled once the other wait ended, or at shutdown.
        }
    }

    [LoggerMessage(EventId = 7000, Level = LogLevel.Error, Message = "A callback delivery pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
