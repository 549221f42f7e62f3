using Glint.Data;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Turns at SQLite's one write lock for this node's token and flow writes (the token writer's batches, verifier and
/// code redemptions). SQLite lets one transaction write at a time, and a writer that finds the lock taken sleeps in
/// the busy handler (1, 2, 5, 10 ms and longer) while the lock may already be free again: under a few dozen
/// concurrent flows the writes spent more time asleep than on the disk. Queued here, they follow each other at once.
/// PostgreSQL locks rows, not the database: there every write goes straight through.
/// </summary>
public sealed class WriteTurns : IDisposable
{
    private const string Sqlite = "Microsoft.EntityFrameworkCore.Sqlite";

    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>
    /// Waits for this node's turn to write through <paramref name="db"/>, to be disposed once the write is committed;
    /// null when no turn is needed: on PostgreSQL, or within a transaction the caller already holds (its lock must
    /// not wait behind a turn).
    /// </summary>
    public async ValueTask<Turn?> TakeAsync(GlintDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.ProviderName != Sqlite || db.Database.CurrentTransaction is not null)
        {
            return null;
        }

        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    public void Dispose() => _turn.Dispose();

    /// <summary>A turn taken; disposing it lets the next writer go.</summary>
    public sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                turn.Release();
            }
        }
    }
}
