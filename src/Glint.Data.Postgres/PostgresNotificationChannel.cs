using Glint.Data.Notifications;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Glint.Data.Postgres;

/// <summary>
/// A notification channel over PostgreSQL <c>LISTEN/NOTIFY</c>: every node listens on one dedicated connection and
/// hands what arrives to its subscribers, so a message published on any node reaches them all (this one through
/// the database too, never twice). The listening connection is reopened after a failure.
/// </summary>
public sealed partial class PostgresNotificationChannel : InProcessNotificationChannel, IAsyncDisposable
{
    public const string Channel = "glint_events";

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _listening;
    private readonly TaskCompletionSource _listeningStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PostgresNotificationChannel(string connectionString, ILogger<PostgresNotificationChannel> logger)
    {
        _connectionString = connectionString;
        _logger = logger;
        _listening = Task.Run(() => ListenAsync(_stopping.Token));
    }

    /// <summary>Completes once the first LISTEN is in place, so that nothing published after start-up is missed.</summary>
    public Task Started => _listeningStarted.Task;

    public override string DatabaseChannel => Channel;

    public override Task PublishAsync(string message, CancellationToken cancellationToken) => PublishAsync([message], cancellationToken);

    public override async Task PublishAsync(IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT " + string.Join(", ", messages.Select((_, index) => $"pg_notify(@channel, @m{index})")), connection);
        command.Parameters.AddWithValue("channel", Channel);
        for (var index = 0; index < messages.Count; index++)
        {
            command.Parameters.AddWithValue("m" + index, messages[index]);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _listening;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Outside the pool: a connection that listened must never be handed to anyone else.
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString);
                await connection.OpenAsync(stopping);
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

    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Listening for notifications failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
