using Glint.Data;
using Glint.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Glint.Benchmarks;

/// <summary>
/// A migrated SQLite database in a temp file, with the settings the server uses (write-ahead log, synchronous
/// commits): the database benchmarks pay what a real write or lookup costs, disk included.
/// </summary>
public sealed class ScratchDatabase : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("glint-benchmarks-").FullName;

    public ScratchDatabase()
    {
        Dsn = DatabaseDsn.Parse("sqlite://" + Path.Combine(_directory, "glint.db"));
        using var db = Open();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    public DatabaseDsn Dsn { get; }

    public void Use(DbContextOptionsBuilder options) => SqliteDatabase.Use(options, Dsn);

    public GlintDbContext Open()
    {
        var options = new DbContextOptionsBuilder<GlintDbContext>();
        Use(options);
        return new GlintDbContext(options.Options);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
