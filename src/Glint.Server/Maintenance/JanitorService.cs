using Glint.Data;
using Glint.Server.Hosting;

namespace Glint.Server.Maintenance;

/// <summary>
/// The in-process janitor (<c>janitor.interval</c>): a full pass of <see cref="Janitor"/> each interval. Nodes sharing a
/// database may all run it: passes at once only compete for the same dead rows, and on PostgreSQL a node whose turn
/// comes while another node's pass runs skips its own.
/// </summary>
public sealed partial class JanitorService(
    IServiceScopeFactory scopes, DatabaseDsn dsn, RowLifetimes lifetimes, TimeSpan interval, TimeProvider time, ILogger<JanitorService> logger)
    : BackgroundService
{
    /// <summary>The advisory lock held during a pass ("glintj" in ASCII).</summary>
    public const long PassLock = 0x676C696E746A;

    private static readonly JanitorPass Everything = new() { Tokens = true, Requests = true, Grants = true, CallbackDeliveries = true, AuditEvents = true };

    /// <summary>Started with the service, not with its first run, so no interval is lost while the host starts.</summary>
    private readonly PeriodicTimer _timer = new(interval, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await _timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var held = await Database.TryLockAsync(dsn, PassLock, stoppingToken);
                if (held is null)
                {
                    LogSkipped();
                    continue;
                }

                await using var scope = scopes.CreateAsyncScope();
                var janitor = new Janitor(scope.ServiceProvider.GetRequiredService<GlintDbContext>(), lifetimes, time);
                var deleted = await janitor.RunAsync(Everything, stoppingToken);
                var rows = deleted.Values.Sum();
                LogPass(rows);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next tick tries again; a failed pass leaves every row it did not reach as it was.
                LogFailure(exception);
            }
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 5400, Level = LogLevel.Information, Message = "Janitor pass deleted {Rows} expired or dead rows")]
    private partial void LogPass(int rows);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Debug, Message = "Janitor pass skipped: another node's pass is running")]
    private partial void LogSkipped();

    [LoggerMessage(EventId = 5402, Level = LogLevel.Warning, Message = "Janitor pass failed")]
    private partial void LogFailure(Exception exception);
}
