using System.Collections;
using System.Net;
using System.Net.Sockets;
using Glint.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Infrastructure;

/// <summary>
/// A real Glint server on loopback (both ports, real Kestrel) over a fresh database of its own.
/// One subclass per database provider; test classes run their tests against each.
/// </summary>
public abstract class GlintServerFixture : IAsyncLifetime
{
    public const string Secret = "glint-test-secret-0123456789abcdef";

    private WebApplication? _app;

    public HttpClient Public { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public int PublicPort { get; private set; }

    public int AdminPort { get; private set; }

    public string Dsn { get; private set; } = "";

    /// <summary>The running host's services, for tests that set up data through the application's own services.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Settings beyond the defaults, as configuration keys (see <see cref="ConfigurationKeys"/>).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>Applied last to the server's services, e.g. a fake clock in place of <see cref="TimeProvider"/>.</summary>
    protected virtual void ReplaceServices(IServiceCollection services)
    {
    }

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        Dsn = await CreateDatabaseAsync();
        // A free port can be taken by another test between the probe and Kestrel's bind: pick again and retry.
        for (var attempt = 1; ; attempt++)
        {
            PublicPort = FreePort();
            AdminPort = FreePort();
            _app = await GlintHost.BuildAsync(GlintConfiguration.Build(Flags(), new Hashtable(), AppContext.BaseDirectory), ReplaceServices);
            try
            {
                await _app.StartAsync();
                break;
            }
            catch (IOException bind) when (attempt < 5 && bind.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await _app.DisposeAsync();
            }
        }

        Public = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{PublicPort}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}") };
    }

    private Dictionary<string, string?> Flags()
    {
        var flags = new Dictionary<string, string?>
        {
            [ConfigurationKeys.Dsn] = Dsn,
            [ConfigurationKeys.PublicPort] = PublicPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ConfigurationKeys.AdminPort] = AdminPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ConfigurationKeys.SystemSecret] = Secret,
            [ConfigurationKeys.LogLevel] = "Warning",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            flags[key] = value;
        }

        return flags;
    }

    public async ValueTask DisposeAsync()
    {
        Public?.Dispose();
        Admin?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public class SqliteServerFixture : GlintServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync()
    {
        _database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Sqlite);
        return _database.Dsn;
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>
/// Needs <c>GLINT_TEST_POSTGRES</c> (a DSN for a server where it may create databases), which the test command sets
/// after starting a throwaway cluster. Without it the tests fail: a missing PostgreSQL is never a silent skip.
/// </summary>
public class PostgresServerFixture : GlintServerFixture
{
    private TestDatabase? _database;

    public static string ServerDsn => TestDatabase.PostgresServerDsn;

    protected override async Task<string> CreateDatabaseAsync()
    {
        _database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Postgres);
        return _database.Dsn;
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>A fresh, empty database of its own (a temp SQLite file, or a PostgreSQL database), dropped at the end.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Glint.Data.DatabaseKind _kind;
    private readonly string _name;

    private TestDatabase(Glint.Data.DatabaseKind kind, string name, string dsn)
    {
        _kind = kind;
        _name = name;
        Dsn = dsn;
    }

    public string Dsn { get; }

    public static string PostgresServerDsn => Environment.GetEnvironmentVariable("GLINT_TEST_POSTGRES") is { Length: > 0 } dsn
        ? dsn
        : throw new InvalidOperationException("GLINT_TEST_POSTGRES is not set: run the tests with scripts/test, which starts PostgreSQL.");

    public static async Task<TestDatabase> CreateAsync(Glint.Data.DatabaseKind kind)
    {
        if (kind == Glint.Data.DatabaseKind.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), $"glint-test-{Guid.NewGuid():N}.db");
            return new TestDatabase(kind, path, "sqlite://" + path);
        }

        var name = $"glint_test_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE DATABASE {name}");
        return new TestDatabase(kind, name, new UriBuilder(PostgresServerDsn) { Path = "/" + name }.Uri.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_kind == Glint.Data.DatabaseKind.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in (string[])["", "-wal", "-shm"])
            {
                File.Delete(_name + suffix);
            }

            return;
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string sql)
    {
        var connectionString = Glint.Data.Postgres.PostgresDatabase.ConnectionString(Glint.Data.DatabaseDsn.Parse(PostgresServerDsn));
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// One node of a deployment: a Glint server on a database other nodes may share, with the given settings. Several
/// started at once (<see cref="StartAllAsync"/>) are nodes behind one load balancer.
/// </summary>
public sealed class GlintNode(string dsn, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? replaceServices = null) : GlintServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => settings ?? new Dictionary<string, string?>();

    protected override void ReplaceServices(IServiceCollection services) => replaceServices?.Invoke(services);

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(dsn);

    /// <summary>Starts <paramref name="count"/> nodes on one database at the same moment.</summary>
    public static async Task<GlintNode[]> StartAllAsync(
        string dsn, int count, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? replaceServices = null)
    {
        var nodes = Enumerable.Range(0, count).Select(_ => new GlintNode(dsn, settings, replaceServices)).ToArray();
        await Task.WhenAll(nodes.Select(node => node.InitializeAsync().AsTask()));
        return nodes;
    }
}
