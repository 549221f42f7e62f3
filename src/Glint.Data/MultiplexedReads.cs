using System.Data.Common;

namespace Glint.Data;

/// <summary>
/// The node's data source for single statements run outside any transaction by many requests at once, such as the
/// account read behind almost every API query: on PostgreSQL its commands share a few connections, and the commands
/// in flight go to the server in one socket write and come back in one read (Npgsql's multiplexing), where each
/// pooled connection would cost a write and a read of its own. Such a command binds no connection, so it can never see
/// a transaction's uncommitted rows: what runs inside one stays on the transaction's connection. Absent on SQLite.
/// </summary>
public sealed class MultiplexedReads(DbDataSource source) : IAsyncDisposable
{
    public DbDataSource Source { get; } = source;

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
