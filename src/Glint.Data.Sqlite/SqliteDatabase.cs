using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Glint.Data.Sqlite;

public static class SqliteDatabase
{
    public static string ConnectionString(DatabaseDsn dsn)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = dsn.Target,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Default,
            Pooling = true,
            // Foreign keys are always on: OpenIddict's cascades rely on them.
            ForeignKeys = true,
            DefaultTimeout = 30,
        };
        return builder.ConnectionString;
    }

    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder options, DatabaseDsn dsn) =>
        options.UseSqlite(ConnectionString(dsn), sqlite => sqlite.MigrationsAssembly(typeof(SqliteDatabase).Assembly.GetName().Name))
            .AddInterceptors(SqliteBusyTimeout.Instance);
}
