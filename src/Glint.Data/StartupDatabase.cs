using System.Data.Common;

namespace Glint.Data;

/// <summary>
/// The database as a node sees it before it listens: one plain connection for the few rows a start reads
/// (<see cref="StartupReads"/>), and a <see cref="GlintDbContext"/> only when a start has something to write (the first
/// start on a new database: the issuer, the first signing key, the Lightning node's key). Building EF Core's services
/// and model was 140–220 ms of the CPU a start spends before it is ready, for reads of a row or two; the warm-up that
/// follows the first ready answer builds them instead.
/// </summary>
public sealed class StartupDatabase(DbConnection connection, Func<GlintDbContext> openContext) : IAsyncDisposable
{
    private GlintDbContext? _context;

    /// <summary>The plain connection, opened by the first read.</summary>
    public DbConnection Connection { get; } = connection;

    /// <summary>EF Core, built on first use: for the writes of a first start and the rare updates.</summary>
    public GlintDbContext Context => _context ??= openContext();

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        await Connection.DisposeAsync();
    }
}
