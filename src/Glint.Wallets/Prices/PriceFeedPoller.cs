using Glint.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Glint.Wallets.Prices;

/// <summary>
/// Polls the price feed every interval on this node. A good price becomes the node's <see cref="CurrentPrice"/> (which
/// pushes it to this node's price subscribers) and a point of the shared history; a failed fetch or a nonsense answer
/// keeps the last good price, is logged (without the URL's credentials or query) and is shown by <c>/health/ready</c>.
/// Every node polls the feed itself, so each node's subscribers hear each change without any node relaying it.
/// </summary>
public sealed partial class PriceFeedPoller(
    CurrentPrice current, PriceFeedReader reader, PriceFeedOptions options, IServiceScopeFactory scopes, TimeProvider time,
    ILogger<PriceFeedPoller> logger) : BackgroundService
{
    /// <summary>Started with the service, so the intervals count from the node's start.</summary>
    private readonly PeriodicTimer _timer = new(options.Interval, time);

    /// <summary>Raised after each poll, good or not, with what it read.</summary>
    public event Action<PriceReading>? Polled;

    /// <summary>
    /// Before the node serves: the last stored price (from any node), then one fetch, so that a node starts with a
    /// current price whenever the feed answers, and with the last good one when it does not.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<PriceHistory>().LatestAsync(cancellationToken) is { } latest)
            {
                current.Set(new PriceQuote(new BtcUsdPrice(latest.CentsPerBitcoin), DateTimeOffset.FromUnixTimeSeconds(latest.At)));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogHistoryFailed(exception);
        }

        await PollAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                await PollAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    /// <summary>One poll; whatever goes wrong in it is logged, and the next interval polls again.</summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PollOnceAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPollFailed(exception);
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var reading = await reader.ReadAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (reading.Price is { } price)
        {
            var quote = new PriceQuote(price, now);
            current.Set(quote);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<PriceHistory>().StoreAsync(quote, options.Interval, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The price is current on this node all the same; the history misses one point.
                LogStoreFailed(exception);
            }
        }
        else
        {
            current.Report(reading.Problem!, now);
            LogFeedFailed(options.Redacted, reading.Problem!, current.Quote.Price.ToString());
        }

        Polled?.Invoke(reading);
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Price feed {Feed} failed: {Problem}; keeping the last good price {Price}")]
    private partial void LogFeedFailed(string feed, string problem, string price);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "A price from the feed could not be stored in the price history")]
    private partial void LogStoreFailed(Exception exception);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Error, Message = "A price poll failed")]
    private partial void LogPollFailed(Exception exception);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "The price history could not be read at start")]
    private partial void LogHistoryFailed(Exception exception);
}
