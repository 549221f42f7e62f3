using System.Collections;
using System.Net;
using System.Net.Sockets;
using Glint.Server.Hosting;
using Microsoft.AspNetCore.Builder;

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

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        Dsn = await CreateDatabaseAsync();
        PublicPort = FreePort();
        AdminPort = FreePort();
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

        _app = await GlintHost.BuildAsync(GlintConfiguration.Build(flags, new Hashtable(), AppContext.BaseDirectory));
        await _app.StartAsync();
        Public = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{PublicPort}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}") };
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
    private string? _path;

    protected override Task<string> CreateDatabaseAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), $"glint-test-{Guid.NewGuid():N}.db");
        return Task.FromResult("sqlite://" + _path);
    }

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Needs <c>GLINT_TEST_POSTGRES</c> (a DSN for a server where it may create databases), which the test command sets
/// after starting a throwaway cluster. Without it the tests fail: a missing PostgreSQL is never a silent skip.
/// </summary>
public class PostgresServerFixture : GlintServerFixture
{
    private string? _database;

    public static string ServerDsn => Environment.GetEnvironmentVariable("GLINT_TEST_POSTGRES") is { Length: > 0 } dsn
        ? dsn
        : throw new InvalidOperationException("GLINT_TEST_POSTGRES is not set: run the tests with scripts/test, which starts PostgreSQL.");

    protected override async Task<string> CreateDatabaseAsync()
    {
        _database = $"glint_test_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE DATABASE {_database}");
        var builder = new UriBuilder(ServerDsn) { Path = "/" + _database };
        return builder.Uri.ToString();
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await ExecuteAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string sql)
    {
        var connectionString = Glint.Data.Postgres.PostgresDatabase.ConnectionString(Glint.Data.DatabaseDsn.Parse(ServerDsn));
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
