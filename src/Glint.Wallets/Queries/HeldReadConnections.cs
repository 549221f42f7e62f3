using System.Collections.Concurrent;
using System.Data.Common;

namespace Glint.Wallets.Queries;

/// <summary>
/// A few SQLite connections of the node's own, kept open with a read already prepared on each, for the read behind
/// almost every API request. SQLite has no statement cache across connection opens: through a pooled connection the
/// read was parsed and planned again on every request, and opening and closing the connection cost as much again.
/// A held connection is between statements while idle (its reader is reset when a read ends), so it holds no read
/// snapshot and never keeps a checkpoint from completing. At most <see cref="MaxIdle"/> are kept; a request that finds
/// none idle opens another, which is kept afterwards only if there is room.
/// </summary>
public sealed class HeldReadConnections : IAsyncDisposable
{
    private const int MaxIdle = 8;

    private readonly ConcurrentQueue<Held> _idle = new();
    private string? _connectionString;
    private volatile DbProviderFactory? _factory;
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>Whether the first rent has said which database these connections are to, so that a read needs no template.</summary>
    internal bool KnowsItsDatabase => _factory is not null;

    /// <summary>A held connection to the database <paramref name="template"/> opens, with <paramref name="prepare"/>'s command; null for another database than the first.</summary>
    internal async ValueTask<Held?> RentAsync(DbConnection template, Func<DbConnection, DbCommand> prepare, CancellationToken cancellationToken)
    {
        var connectionString = template.ConnectionString;
        if (Interlocked.CompareExchange(ref _connectionString, connectionString, null) is { } first && first != connectionString)
        {
            return null;
        }

        _factory ??= DbProviderFactories.GetFactory(template) ?? throw new InvalidOperationException("The database provider has no factory.");
        return await RentAsync(prepare, cancellationToken);
    }

    /// <summary>A held connection to the database of the first rent, with <paramref name="prepare"/>'s command; see <see cref="KnowsItsDatabase"/>.</summary>
    internal async ValueTask<Held> RentAsync(Func<DbConnection, DbCommand> prepare, CancellationToken cancellationToken)
    {
        if (_idle.TryDequeue(out var held))
        {
            Interlocked.Decrement(ref _idleCount);
            return held;
        }

        var factory = _factory ?? throw new InvalidOperationException("No connection has been rented for a database yet.");
        var connection = factory.CreateConnection() ?? throw new InvalidOperationException("The database provider cannot create connections.");
        try
        {
            connection.ConnectionString = _connectionString;
            await connection.OpenAsync(cancellationToken);
            var command = prepare(connection);
            await command.PrepareAsync(cancellationToken);
            return new Held(connection, command);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes back a connection whose last read ended cleanly; one that failed is disposed instead.</summary>
    internal async ValueTask ReturnAsync(Held held, bool clean)
    {
        if (clean && !_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdle)
            {
                _idle.Enqueue(held);
                if (_disposed)
                {
                    // Disposed meanwhile: the queue may have been drained before this one arrived.
                    await DrainAsync();
                }

                return;
            }

            Interlocked.Decrement(ref _idleCount);
        }

        await held.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await DrainAsync();
    }

    private async ValueTask DrainAsync()
    {
        while (_idle.TryDequeue(out var held))
        {
            Interlocked.Decrement(ref _idleCount);
            await held.DisposeAsync();
        }
    }

    internal sealed class Held(DbConnection connection, DbCommand command) : IAsyncDisposable
    {
        public DbCommand Command { get; } = command;

        public async ValueTask DisposeAsync()
        {
            await Command.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
