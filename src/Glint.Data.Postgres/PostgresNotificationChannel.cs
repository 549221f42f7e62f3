using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Glint.Data.Notifications;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Glint.Data.Postgres;

/// <summary>
/// A notification channel over PostgreSQL <c>LISTEN/NOTIFY</c>: every node listens on one dedicated connection and
/// hands what arrives to its subscribers, so a message published on any node reaches them all (this one through
/// the database too, never twice). The listening connection is reopened after a failure.
/// <para>
/// Messages are published after the fact, never inside a transaction that writes data: PostgreSQL serialises the
/// commits of every transaction that notifies (it holds one database-wide lock from the notification until the
/// commit is on disk), so a payment that notified in its own transaction waited for every other one's disk flush,
/// and payments could not share flushes. The messages in flight on the node go out together in one statement, and
/// that statement's commit does not wait for the disk: it writes no data, and a notification is never durable anyway.
/// </para>
/// </summary>
public sealed partial class PostgresNotificationChannel : InProcessNotificationChannel, IAsyncDisposable
{
    public const string Channel = "glint_events";

    /// <summary>Messages in one statement: many more than arrive during one round trip, few enough for one packet or so.</summary>
    private const int MaxMessagesPerStatement = 256;

    private readonly string _connectionString;
    private readonly NpgsqlDataSource _listeningSource;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _listening;
    private readonly Task _publishing;
    private readonly TaskCompletionSource _listeningStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<Pending> _outbox = System.Threading.Channels.Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    public PostgresNotificationChannel(string connectionString, ILogger<PostgresNotificationChannel> logger)
    {
        _connectionString = connectionString;
        // Outside the pool: a connection that listened must never be handed to anyone else. A data source of its own
        // would read PostgreSQL's type catalogue again before the node is ready (the pooled one has read it already);
        // LISTEN and the notifications' text payloads need none of it.
        var listening = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        listening.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        _listeningSource = listening.Build();
        _logger = logger;
        _listening = Task.Run(() => ListenAsync(_stopping.Token));
        _publishing = Task.Run(PublishQueuedAsync);
    }

    /// <summary>Completes once the first LISTEN is in place, so that nothing published after start-up is missed.</summary>
    public Task Started => _listeningStarted.Task;

    public override Task PublishAsync(string message, CancellationToken cancellationToken) => PublishAsync([message], cancellationToken);

    /// <summary>Completes once the messages are handed to PostgreSQL, with those of the other publishers in flight.</summary>
    public override async Task PublishAsync(IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        var pending = new Pending(messages);
        await _outbox.Writer.WriteAsync(pending, cancellationToken);
        await pending.Published.Task.WaitAsync(cancellationToken);
    }

    private async Task PublishQueuedAsync()
    {
        var group = new List<Pending>();
        while (await _outbox.Reader.WaitToReadAsync())
        {
            group.Clear();
            var count = 0;
            while (count < MaxMessagesPerStatement && _outbox.Reader.TryRead(out var pending))
            {
                group.Add(pending);
                count += pending.Messages.Count;
            }

            try
            {
                await NotifyAsync(group);
                group.ForEach(pending => pending.Published.TrySetResult());
            }
            catch (Exception exception)
            {
                group.ForEach(pending => pending.Published.TrySetException(exception));
            }
        }
    }

    /// <summary>
    /// One transaction of its own: <c>set_config(..., true)</c> holds for it only, and a notification's commit need
    /// not wait for the disk (it writes no data, and a notification is never durable anyway).
    /// </summary>
    private static string PublishStatement(int count, string parameterPrefix)
    {
        var sql = new StringBuilder("SELECT set_config('synchronous_commit', 'off', true)");
        for (var index = 0; index < count; index++)
        {
            sql.Append(CultureInfo.InvariantCulture, $", pg_notify('{Channel}', @{parameterPrefix}{index})");
        }

        return sql.ToString();
    }

    private async Task NotifyAsync(List<Pending> group)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand { Connection = connection };
        foreach (var message in group.SelectMany(pending => pending.Messages))
        {
            command.Parameters.AddWithValue("m" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture), message);
        }

        command.CommandText = PublishStatement(command.Parameters.Count, "m");
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Messages already queued still go out: their publishers are waiting for them.
        _outbox.Writer.TryComplete();
        await _publishing.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _stopping.CancelAsync();
        try
        {
            await _listening;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
        await _listeningSource.DisposeAsync();
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _listeningSource.OpenConnectionAsync(stopping);
                connection.Notification += (_, notification) => Deliver(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                _listeningStarted.TrySetResult();
                while (!stopping.IsCancellationRequested)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                LogListenFailed(_logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stopping);
            }
        }
    }

    private sealed class Pending(IReadOnlyList<string> messages)
    {
        public IReadOnlyList<string> Messages { get; } = messages;

        public TaskCompletionSource Published { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 5120, Level = LogLevel.Warning, Message = "Listening for notifications failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
