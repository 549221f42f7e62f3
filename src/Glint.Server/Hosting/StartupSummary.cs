using Glint.Data;

namespace Glint.Server.Hosting;

/// <summary>
/// One line, once the ports listen, that tells a new user where things are: the issuer, the admin API, the sign-in
/// page, the database (never its password) and, in development, where the sign-in codes went.
/// </summary>
internal static partial class StartupSummary
{
    public static void LogWhenStarted(WebApplication app, ServerSettings settings)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Glint");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var issuer = settings.Auth.Issuer.OriginalString;
            var admin = settings.Login.AdminApi.AbsoluteUri;
            var login = settings.Auth.EffectiveLoginUrl.AbsoluteUri;
            var database = Describe(settings.Dsn);
            if (settings.Login.SmtpUri is null)
            {
                LogServingWithDevOutbox(logger, issuer, admin, login, database);
            }
            else
            {
                LogServing(logger, issuer, admin, login, database);
            }
        });
    }

    /// <summary>The database as an operator recognises it: a file path, or PostgreSQL's host, port and database.</summary>
    internal static string Describe(DatabaseDsn dsn)
    {
        if (dsn.Kind == DatabaseKind.Sqlite)
        {
            return "SQLite " + Path.GetFullPath(dsn.Target);
        }

        // Only the parts after the credentials: the user name and password stay out of the log.
        return Uri.TryCreate(dsn.Target, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? $"PostgreSQL {uri.Host}:{(uri.Port > 0 ? uri.Port : 5432)}{uri.AbsolutePath}"
            : "PostgreSQL";
    }

    [LoggerMessage(EventId = 5300, Level = LogLevel.Information,
        Message = "Glint is serving. Issuer {Issuer}, admin API {AdminUrl}, sign-in page {LoginUrl}, database {Database}.")]
    private static partial void LogServing(ILogger logger, string issuer, string adminUrl, string loginUrl, string database);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information,
        Message = "Glint is serving. Issuer {Issuer}, admin API {AdminUrl}, sign-in page {LoginUrl}, database {Database}. " +
                  "Sign-in codes are kept in the dev outbox: read them with `glint dev outbox`.")]
    private static partial void LogServingWithDevOutbox(ILogger logger, string issuer, string adminUrl, string loginUrl, string database);
}
