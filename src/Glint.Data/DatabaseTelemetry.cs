using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Glint.Data;

/// <summary>
/// Database time (meter and activity source <c>Glint.Database</c>) and the data layer's log event ids, 5100–5199. Every
/// command EF Core runs, on either provider, is timed from what EF measured already: one histogram point, and a
/// child span of the request's span when traces are recorded. The commands Glint runs on a connection itself, which
/// EF Core's interceptors never see (the ledger's writes, the token writer's group commit, the flow store's
/// statements, the API's account read), are timed by <see cref="Time(DbCommand)"/> the same way. A span carries the
/// SQL, whose values are parameters, never the parameters themselves.
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

    private static readonly KeyValuePair<string, object?> Postgres = new("db.system.name", "postgresql");
    private static readonly KeyValuePair<string, object?> Sqlite = new("db.system.name", "sqlite");

    private readonly KeyValuePair<string, object?> _system;

    public DatabaseTelemetry(DatabaseKind kind) => _system = kind == DatabaseKind.Postgres ? Postgres : Sqlite;

    /// <summary>Whether anything listens: the histogram, or a trace recording database spans.</summary>
    private static bool Listening => CommandDuration.Enabled || Source.HasListeners();

    /// <summary>
    /// The request's span, for work done for it on another task (a group commit's writer), so that its database spans
    /// can join the request's trace; null when no trace records database spans.
    /// </summary>
    public static Activity? TracedRequest => Source.HasListeners() ? Activity.Current : null;

    /// <summary>
    /// Times <paramref name="command"/>, which Glint runs itself: dispose the timing once the command has run. The span,
    /// if traced, is a child of the current one. Nothing is measured or allocated when nothing listens.
    /// </summary>
    public static CommandTiming Time(DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Listening ? new CommandTiming(command, null) : default;
    }

    /// <summary>As <see cref="Time(DbCommand)"/>, for a batch: one point and one span for its statements together.</summary>
    public static CommandTiming Time(DbBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Listening ? new CommandTiming(batch, null) : default;
    }

    /// <summary>
    /// As <see cref="Time(DbCommand)"/>, for one statement that writes for many requests (a group commit): one histogram
    /// point, and a span in the trace of each request of <paramref name="waiting"/> whose span <paramref name="requestOf"/>
    /// gives (see <see cref="TracedRequest"/>), since each of them waited for the whole statement.
    /// </summary>
    public static CommandTiming Time<T>(DbCommand command, IReadOnlyList<T> waiting, Func<T, Activity?> requestOf)
    {
        ArgumentNullException.ThrowIfNull(command);
        return TimeFor(command, waiting, requestOf);
    }

    /// <summary>As <see cref="Time{T}(DbCommand, IReadOnlyList{T}, Func{T, Activity?})"/>, for a batch of statements that write for many requests.</summary>
    public static CommandTiming Time<T>(DbBatch batch, IReadOnlyList<T> waiting, Func<T, Activity?> requestOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return TimeFor(batch, waiting, requestOf);
    }

    private static CommandTiming TimeFor<T>(object command, IReadOnlyList<T> waiting, Func<T, Activity?> requestOf)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentNullException.ThrowIfNull(requestOf);
        if (!Listening)
        {
            return default;
        }

        List<ActivityContext>? requests = null;
        if (Source.HasListeners())
        {
            requests = new List<ActivityContext>(waiting.Count);
            foreach (var item in waiting)
            {
                if (requestOf(item) is { } request)
                {
                    requests.Add(request.Context);
                }
            }
        }

        return new CommandTiming(command, requests ?? NoRequests);
    }

    /// <summary>A group commit's waiting requests when no trace records them: its histogram point only.</summary>
    private static readonly List<ActivityContext> NoRequests = [];

    /// <summary>A command's timing under way; see <see cref="Time(DbCommand)"/>.</summary>
    public readonly struct CommandTiming : IDisposable, IEquatable<CommandTiming>
    {
        private readonly object? _command;
        private readonly List<ActivityContext>? _requests;
        private readonly long _started;

        internal CommandTiming(object command, List<ActivityContext>? requests)
        {
            _command = command;
            _requests = requests;
            _started = Stopwatch.GetTimestamp();
        }

        public void Dispose()
        {
            if (_command is null)
            {
                return;
            }

            var duration = Stopwatch.GetElapsedTime(_started);
            // The wall clock is read only for a span, which is rarer than the histogram's point.
            var startTime = Source.HasListeners() ? DateTimeOffset.UtcNow - duration : default;
            var text = _command switch
            {
                DbBatch batch => FirstText(batch),
                DbCommand command => command.CommandText,
                _ => "",
            };

            // Npgsql's types live in its own namespace; every other command Glint runs is SQLite's. (By the command's
            // type, not its connection's: a command of a data source has no connection to ask.)
            var system = _command.GetType().Namespace?.StartsWith("Npgsql", StringComparison.Ordinal) is true ? Postgres : Sqlite;
            if (_requests is null)
            {
                Record(system, text, _command as DbBatch, startTime, duration, failed: false, parent: null);
                return;
            }

            CommandDuration.Record(duration.TotalSeconds, system, new("db.operation.name", Operation(text)));
            foreach (var request in _requests)
            {
                Trace(system, text, _command as DbBatch, startTime, duration, failed: false, request);
            }
        }

        private static string FirstText(DbBatch batch) => batch.BatchCommands.Count == 0 ? "" : batch.BatchCommands[0].CommandText;

        public override bool Equals(object? obj) => obj is CommandTiming other && Equals(other);

        public bool Equals(CommandTiming other) => ReferenceEquals(_command, other._command) && _started == other._started;

        public override int GetHashCode() => HashCode.Combine(_command, _started);

        public static bool operator ==(CommandTiming left, CommandTiming right) => left.Equals(right);

        public static bool operator !=(CommandTiming left, CommandTiming right) => !left.Equals(right);
    }

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

    private void Record(DbCommand command, CommandEndEventData eventData, bool failed) =>
        Record(_system, command.CommandText, null, eventData.StartTime, eventData.Duration, failed, parent: null);

    private static void Record(
        KeyValuePair<string, object?> system, string sql, DbBatch? batch, DateTimeOffset startTime, TimeSpan duration, bool failed, ActivityContext? parent)
    {
        var traced = Source.HasListeners();
        if (!CommandDuration.Enabled && !traced)
        {
            return;
        }

        CommandDuration.Record(duration.TotalSeconds, system, new("db.operation.name", Operation(sql)));
        if (traced)
        {
            Trace(system, sql, batch, startTime, duration, failed, parent ?? default);
        }
    }

    /// <summary>One span, a child of <paramref name="parent"/> or, when that is empty, of the current span.</summary>
    private static void Trace(
        KeyValuePair<string, object?> system, string sql, DbBatch? batch, DateTimeOffset startTime, TimeSpan duration, bool failed, ActivityContext parent)
    {
        var operation = Operation(sql);
        using var span = Source.StartActivity("db " + operation, ActivityKind.Client, parent, startTime: startTime);
        if (span is null)
        {
            return;
        }

        span.SetTag(system.Key, system.Value);
        span.SetTag("db.operation.name", operation);
        if (batch is null)
        {
            span.SetTag("db.query.text", sql);
        }
        else
        {
            span.SetTag("db.query.text", string.Join(";\n", batch.BatchCommands.Select(command => command.CommandText)));
            span.SetTag("db.operation.batch.size", batch.BatchCommands.Count);
        }

        if (failed)
        {
            span.SetStatus(ActivityStatusCode.Error);
        }

        span.SetEndTime((startTime + duration).UtcDateTime);
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
