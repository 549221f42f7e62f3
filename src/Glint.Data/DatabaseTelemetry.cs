using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Glint.Data;

/// <summary>
/// Database time (meter and activity source <c>Glint.Database</c>) and the data layer's log event ids, 5100–5199. Every
/// command EF Core runs, on either provider, is timed from what EF measured already: one histogram point, and a
/// child span of the request's span when traces are recorded. A span carries the SQL, whose values are parameters,
/// never the parameters themselves.
/// </summary>
public sealed class DatabaseTelemetry : DbCommandInterceptor
{
    public const string Name = "Glint.Database";
    public const int FirstEventId = 5100;
    public const int LastEventId = 5199;

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    /// <summary>How long each command took, by <c>db.system.name</c> and <c>db.operation.name</c>, in seconds.</summary>
    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "glint.db.command.duration", "s", "How long database commands took",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    private readonly KeyValuePair<string, object?> _system;

    public DatabaseTelemetry(DatabaseKind kind) =>
        _system = new("db.system.name", kind == DatabaseKind.Postgres ? "postgresql" : "sqlite");

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Record(command, eventData, failed: false);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Record(command, eventData, failed: false);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Record(command, eventData, failed: false);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Record(command, eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Record(command, eventData, failed: true);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Record(command, eventData, failed: true);
        return Task.CompletedTask;
    }

    private void Record(DbCommand command, CommandEndEventData eventData, bool failed)
    {
        var traced = Source.HasListeners();
        if (!CommandDuration.Enabled && !traced)
        {
            return;
        }

        var operation = new KeyValuePair<string, object?>("db.operation.name", Operation(command.CommandText));
        CommandDuration.Record(eventData.Duration.TotalSeconds, _system, operation);
        if (!traced)
        {
            return;
        }

        using var span = Source.StartActivity("db " + operation.Value, ActivityKind.Client, parentContext: default, startTime: eventData.StartTime);
        if (span is null)
        {
            return;
        }

        span.SetTag(_system.Key, _system.Value);
        span.SetTag(operation.Key, operation.Value);
        span.SetTag("db.query.text", command.CommandText);
        if (failed)
        {
            span.SetStatus(ActivityStatusCode.Error);
        }

        span.SetEndTime((eventData.StartTime + eventData.Duration).UtcDateTime);
    }

    /// <summary>The statement's first keyword, from a fixed set (so a tag never carries anything else).</summary>
    private static string Operation(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        foreach (var keyword in Keywords)
        {
            if (text.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
            {
                return keyword;
            }
        }

        return "OTHER";
    }

    private static readonly string[] Keywords = ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "CREATE", "ALTER", "DROP"];
}
