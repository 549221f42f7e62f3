using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Glint.Data.Postgres;

public static class PostgresDatabase
{
    /// <summary>Turns <c>postgres://user:pass@host:port/db?sslmode=…&amp;max_conns=…</c> into an Npgsql connection string.</summary>
    public static string ConnectionString(DatabaseDsn dsn)
    {
        var uri = new Uri(dsn.Target);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),

            // Glint leaves no session state on a connection (no SET, temporary tables or held locks), so the
            // DISCARD ALL that Npgsql sends whenever a pooled connection is reused only costs a round trip: three
            // per token request. The notification listener has a connection of its own, outside the pool.
            NoResetOnClose = true,
        };

        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        if (dsn.Query.TryGetValue("sslmode", out var sslMode) && sslMode.Length > 0)
        {
            builder.SslMode = Enum.Parse<SslMode>(sslMode.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
        }

        if (dsn.Query.TryGetValue("max_conns", out var maxConns) && int.TryParse(maxConns, out var max))
        {
            builder.MaxPoolSize = max;
        }

        if (dsn.Query.TryGetValue("search_path", out var searchPath) && searchPath.Length > 0)
        {
            builder.SearchPath = searchPath;
        }

        return builder.ConnectionString;
    }

    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder options, DatabaseDsn dsn) =>
        options.UseNpgsql(ConnectionString(dsn), npgsql => npgsql.MigrationsAssembly(typeof(PostgresDatabase).Assembly.GetName().Name));
}
