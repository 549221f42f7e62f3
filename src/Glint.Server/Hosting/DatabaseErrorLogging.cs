using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace Glint.Server.Hosting;

/// <summary>
/// Logs a failed database command once, at the level it deserves. EF Core logs every failed command and every failed
/// save at Error, whatever the caller does with the exception; but a unique key that a concurrent request took first
/// is a race Glint decides by design (two nodes creating the same key, two sign-ups for one email, a retried payment
/// with its idempotency key): the caller catches it and answers correctly, so it is logged at Debug. Every other
/// failure is still logged at Error, here, even when a caller swallows it.
/// </summary>
public sealed partial class DatabaseErrorLogging : DbCommandInterceptor
{
    public static DatabaseErrorLogging Instance { get; } = new();

    /// <summary>EF Core's own Error logs of the same failures, which this replaces.</summary>
    public static void Configure(DbContextOptionsBuilder options) =>
        options
            .AddInterceptors(Instance)
            .ConfigureWarnings(warnings => warnings.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug)));

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Log(eventData);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Log(eventData);
        return Task.CompletedTask;
    }

    /// <summary>A unique or primary key violation: PostgreSQL's SQLSTATE 23505, SQLite's extended codes 2067 and 1555.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    private static void Log(CommandErrorEventData eventData)
    {
        // A cancelled request is not a database failure.
        if (eventData.Exception is OperationCanceledException || eventData.Context?.GetService<ILoggerFactory>() is not { } factory)
        {
            return;
        }

        var logger = factory.CreateLogger<DatabaseErrorLogging>();
        if (IsUniqueViolation(eventData.Exception))
        {
            LostUniqueRace(logger, eventData.Exception.Message);
        }
        else
        {
            CommandFailed(logger, eventData.Exception, eventData.Exception.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Debug, Message = "An insert lost a unique key race to a concurrent request, which the caller handles: {Reason}")]
    private static partial void LostUniqueRace(ILogger logger, string reason);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "A database command failed ({Kind})")]
    private static partial void CommandFailed(ILogger logger, Exception exception, string kind);
}
