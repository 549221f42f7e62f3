using Glint.Data;

namespace Glint.Server.Maintenance;

/// <summary>
/// The in-process janitor (<c>janitor.interval</c>): a full pass of <see cref="Janitor"/> each interval. Nodes sharing a
/// database may all run it; they only ever compete for the same dead rows.
/// </summary>
public sealed partial class JanitorService(
    IServiceScopeFactory scopes, RowLifetimes lifetimes, TimeSpan interval, TimeProvider time, ILogger<JanitorService> logger) : BackgroundService
{
    private static readonly JanitorPass Everything = new() { Tokens = true, Requests = true, Grants = true };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Janitor pass deleted {Rows} expired or dead rows")]
    private partial void LogPass(int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Janitor pass failed")]
    private partial void LogFailure(Exception exception);
}
