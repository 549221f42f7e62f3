using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hosting;

/// <summary>A new test database of each kind, migrated as a start migrates it, with a context open on it.</summary>
public sealed class MigratedDatabase : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private MigratedDatabase(TestDatabase database, DatabaseDsn dsn)
    {
        _database = database;
        Dsn = dsn;
        Db = Database.Open(dsn);
    }

    /// <summary>Both kinds, for the theories that read a database the way a start does.</summary>
    public static TheoryData<DatabaseKind> Kinds => new() { DatabaseKind.Sqlite, DatabaseKind.Postgres };

    public DatabaseDsn Dsn { get; }

    public GlintDbContext Db { get; }

    public static async Task<MigratedDatabase> CreateAsync(DatabaseKind kind, CancellationToken cancellationToken)
    {
        var database = await TestDatabase.CreateAsync(kind);
        var dsn = DatabaseDsn.Parse(database.Dsn);
        await Database.MigrateAsync(dsn, cancellationToken);
        return new MigratedDatabase(database, dsn);
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        await _database.DisposeAsync();
    }
}
