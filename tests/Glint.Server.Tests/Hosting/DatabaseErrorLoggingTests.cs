using System.Collections.Concurrent;
using Glint.Data;
using Glint.Data.Users;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Hosting;

/// <summary>Every log record, at every level, as the server's logging would receive it.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, int EventId, string Message)> Records { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Records.Enqueue((category, logLevel, eventId.Id, formatter(state, exception)));
    }
}

/// <summary>
/// A unique key lost to a concurrent insert is a race the callers handle: nothing about it is logged at Warning or
/// above. Any other failed command is still logged at Error.
/// </summary>
public abstract class DatabaseErrorLoggingTests<TServer>(TServer server) : IClassFixture<TServer>, IDisposable where TServer : GlintServerFixture
{
    private readonly RecordingLoggerProvider _logs = new();

    public void Dispose()
    {
        _logs.Dispose();
        GC.SuppressFinalize(this);
    }

    private GlintDbContext Open()
    {
        var options = new DbContextOptionsBuilder<GlintDbContext>();
        Database.Use(options, DatabaseDsn.Parse(server.Dsn));
        options.UseLoggerFactory(LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs)));
        return new GlintDbContext(options.Options);
    }

    private static User NewUser(string email) => new() { Id = Guid.NewGuid(), Email = email, CreatedAt = DateTimeOffset.UtcNow };

    [Fact]
    public async Task A_lost_unique_key_race_is_logged_below_warning()
    {
        var email = $"race-{Guid.NewGuid():N}@example.com";
        await using (var first = Open())
        {
            first.Users.Add(NewUser(email));
            await first.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var second = Open();
        second.Users.Add(NewUser(email));
        var exception = await Assert.ThrowsAnyAsync<DbUpdateException>(() => second.SaveChangesAsync(TestContext.Current.CancellationToken));

        Assert.True(DatabaseErrorLogging.IsUniqueViolation(exception.InnerException!));
        Assert.DoesNotContain(_logs.Records, record => record.Level >= LogLevel.Warning);
        Assert.Contains(_logs.Records, record => record.Category == typeof(DatabaseErrorLogging).FullName && record.Level == LogLevel.Debug && record.EventId == 5100);
    }

    [Fact]
    public async Task Any_other_failed_command_is_logged_at_error()
    {
        await using var db = Open();

        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("SELECT no_such_column FROM users", TestContext.Current.CancellationToken));

        Assert.Contains(_logs.Records, record => record.Category == typeof(DatabaseErrorLogging).FullName && record.Level == LogLevel.Error && record.EventId == 5101);
    }
}

public sealed class SqliteDatabaseErrorLoggingTests(SqliteServerFixture server) : DatabaseErrorLoggingTests<SqliteServerFixture>(server);

public sealed class PostgresDatabaseErrorLoggingTests(PostgresServerFixture server) : DatabaseErrorLoggingTests<PostgresServerFixture>(server);
