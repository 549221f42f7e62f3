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

            // Every statement Glint sends is parameterised, and the hot paths send the same few again and again (a
            // token's insert, a flow's redemptions, the code lookup): prepared once per connection, PostgreSQL skips
            // parsing and planning them on every execution. Unprepared, planning was about as much of the database's
            // time as executing for a code flow's statements (pg_stat_statements with track_planning: one plan per
            // call). Statements run only once (migrations, operator commands) are never prepared.
            MaxAutoPrepare = 128,
            AutoPrepareMinUsages = 2,
        };

        // Glint's schema uses only PostgreSQL's built-in types (no enums, domains, composites or extension types),
        // whose type ids are fixed: Npgsql then knows them without reading pg_type (about 450 rows) on the first open
        // of each data source. A start opens three (the shared pool of EF Core and the advisory locks, the multiplexed
        // reads, the listener), each a round trip and the parsing of its rows on the way to ready. Npgsql would rather
        // have this set on a data source builder, but EF Core and the advisory locks use the pool Npgsql keeps per
        // connection string: set here, the one setting reaches every data source Glint opens.
#pragma warning disable CS0618 // Type loading through the connection string: see above.
        builder.ServerCompatibilityMode = ServerCompatibilityMode.NoTypeLoading;
#pragma warning restore CS0618

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

    /// <summary>
    /// The data source behind <see cref="MultiplexedReads"/>: the same database, multiplexed. Its commands are prepared
    /// automatically (explicit preparation is not available when multiplexing) once a statement has run twice on a
    /// connection. It opens at most <see cref="MultiplexedConnections"/> connections: a request finding them all busy
    /// joins the next write on one of them, which is the point; with one connection per request, as the pool would
    /// open under load, nothing would be shared.
    /// </summary>
    public static MultiplexedReads MultiplexedReads(DatabaseDsn dsn)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString(dsn))
        {
            Multiplexing = true,
            MaxAutoPrepare = 16,
            AutoPrepareMinUsages = 2,
        };
        builder.MaxPoolSize = Math.Min(builder.MaxPoolSize, MultiplexedConnections);
        return new MultiplexedReads(NpgsqlDataSource.Create(builder));
    }

    /// <summary>
    /// Enough to keep the database busy with reads, few enough that concurrent requests share them: one for every two
    /// of the node's cores. With PostgreSQL on the same two cores, GraphQL `me` (32 connections, back to back on a
    /// quiet machine) ran at 10,666–11,174 req/s with p99 11–13 ms over one connection, 7,941–9,816 with p99 15–52 ms
    /// over two, 8,143 (p99 15 ms) over four, and 3,633 (p99 17 ms) over the pool without multiplexing.
    /// </summary>
    private static int MultiplexedConnections => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// The provider with the compiled model (<c>CompiledModel/</c>, regenerated by <c>scripts/compiled-models</c>):
    /// building the model from <see cref="GlintDbContext"/>'s configuration takes most of a second of every start.
    /// </summary>
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder options, DatabaseDsn dsn) =>
#if NO_COMPILED_MODEL
        UseModelFromCode(options, dsn).AddInterceptors(PreparedStatementRepair.Instance);
#else
        UseModelFromCode(options, dsn).UseModel(CompiledModel.GlintDbContextModel.Instance).AddInterceptors(PreparedStatementRepair.Instance);
#endif

    /// <summary>The provider building its model from the code: for the design-time tools, which generate from it.</summary>
    public static DbContextOptionsBuilder UseModelFromCode(DbContextOptionsBuilder options, DatabaseDsn dsn) =>
        options.UseNpgsql(ConnectionString(dsn), npgsql => npgsql.MigrationsAssembly(typeof(PostgresDatabase).Assembly.GetName().Name));
}
