using System.Net;
using Glint.Api;
using Glint.Api.Http;
using Glint.Api.LightningAddresses;
using Glint.Auth;
using Glint.Auth.Jwk;
using Glint.Auth.OAuth2;
using Glint.Callbacks;
using Glint.Data;
using Glint.Data.Notifications;
using Glint.Data.Postgres;
using Glint.Data.Secrets;
using Glint.Login;
using Glint.Server.Health;
using Glint.Server.Requests;
using Glint.Wallets;
using Glint.Wallets.Lightning;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;

namespace Glint.Server.Hosting;

/// <summary>Builds the one Glint process: migrate, open the shared keys, then both listeners.</summary>
public static class GlintHost
{
    private const string NoConfigurationReload = "--hostBuilder:reloadConfigOnChange=false";

    public static Task<WebApplication> BuildAsync(IConfiguration config, CancellationToken cancellationToken = default) =>
        BuildAsync(config, replaceServices: null, cancellationToken);

    /// <summary>
    /// The server, with <paramref name="replaceServices"/> applied last to its services: tests put a fake clock in
    /// place of <see cref="TimeProvider"/> this way.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(IConfiguration config, Action<IServiceCollection>? replaceServices, CancellationToken cancellationToken = default)
    {
        var settings = ServerSettings.Read(config);
        settings.RequireServable();
        var tracing = TracingSettings.Read(config);
        await Database.MigrateAsync(settings.Dsn, cancellationToken);

        var secret = new SystemSecret(settings.Secret);
        SigningKeyRing keys;
        LightningNode node;
        await using (var db = Database.OpenStartup(settings.Dsn))
        {
            await RecordedIssuer.CheckAsync(db, settings.Auth.Issuer, settings.AcceptIssuerChange, TimeProvider.System, cancellationToken);
            var sealer = new KeySealer(secret);
            keys = await SigningKeyRing.LoadOrCreateAsync(db, sealer, TimeProvider.System, cancellationToken);
            node = await LightningNode.LoadOrCreateAsync(db, sealer, settings.LightningNetwork, TimeProvider.System, cancellationToken);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = Directory.GetCurrentDirectory(),
            // The builder's own appsettings.json source watches the working directory, and the watch outlives the
            // source cleared below. A SQLite database usually lives there: every write to it then woke the watcher
            // (about 6 % of the token endpoint's CPU). Glint reads its settings once, at start (GlintConfiguration).
            Args = [NoConfigurationReload],
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(config);
        ConfigureLogging(builder.Logging, settings, config);

        // The slim builder's Kestrel already; UseKestrel would add HTTPS configuration and HTTP/3, which Glint does not
        // serve (TLS ends at the proxy), and load their assemblies at every start.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, settings.PublicHost, settings.PublicPort);
            Listen(kestrel, settings.AdminHost, settings.AdminPort);
            kestrel.AddServerHeader = false;
            // Each endpoint sets its own, smaller limit (MalformedRequestGuard; GraphQL its own); this is the cap for the rest.
            kestrel.Limits.MaxRequestBodySize = RequestLimits.ServerBodyBytes;
        });

        builder.Services.AddDbContextPool<GlintDbContext>(options => Database.Use(options, settings.Dsn));
        builder.Services.AddSingleton(new DatabaseReachability(settings.Dsn));
        if (settings.Dsn.Kind == DatabaseKind.Postgres)
        {
            // Wallet events and credential revocations reach every node through LISTEN/NOTIFY.
            builder.Services.AddSingleton<INotificationChannel>(provider => new PostgresNotificationChannel(
                PostgresDatabase.ConnectionString(settings.Dsn), provider.GetRequiredService<ILogger<PostgresNotificationChannel>>()));
            builder.Services.AddSingleton(_ => PostgresDatabase.MultiplexedReads(settings.Dsn));
        }

        builder.Services.AddGlintAuth(settings.Auth, keys, secret);

        builder.Services.AddGlintWallet(settings.Price);
        if (settings.PriceFeed is { } feed)
        {
            builder.Services.AddGlintPriceFeed(feed, settings.Price);
        }

        builder.Services.AddGlintInvoices(node);
        builder.Services.AddGlintApi();
        builder.Services.AddGlintLogin(settings.Login);
        builder.Services.AddGlintCallbacks();
        if (config[GlintApiOptions.Section + ":network"] is null)
        {
            // globals.network tells apps which network this server's invoices are for, unless the operator says otherwise.
            builder.Services.PostConfigure<GlintApiOptions>(options => options.Network = node.Network.Name);
        }
        if (settings.JanitorInterval is { } interval)
        {
            builder.Services.AddHostedService(provider => new Maintenance.JanitorService(
                provider.GetRequiredService<IServiceScopeFactory>(), settings.Dsn, settings.RowLifetimes, interval,
                provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<Maintenance.JanitorService>>()));
        }

        builder.Services.AddSingleton<HealthProbeRouting>();
        builder.Services.AddSingleton<FirstUseWarmUp>();
        builder.Services.AddSingleton(provider => new Callbacks.Delivery.FirstPassGate(provider.GetRequiredService<FirstUseWarmUp>().Finished.WaitAsync));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<FirstUseWarmUp>());
        FirstUseWarmUp.DeferLoginKeyRing(builder.Services);

        builder.Services.AddGlintTelemetry(tracing);

        replaceServices?.Invoke(builder.Services);
        var app = builder.Build();
        try
        {
            app.Services.GetRequiredService<Callbacks.Delivery.RetrySchedule>();
        }
        catch (FormatException invalid)
        {
            throw new SettingsException(invalid.Message);
        }

        if (settings.Login.SmtpUri is null)
        {
            // Only a development setup gets this far without SMTP (see ServerSettings.Development).
            app.Logger.LogWarning(
                "No SMTP server is configured (courier.smtp.connection_uri): this development setup keeps sign-in codes in the dev outbox " +
                "and logs them, not emailed. Read them with `glint dev outbox`.");
        }

        // Resolving the channel opens its LISTEN connection, which the login key ring's reads need not wait for.
        var channel = app.Services.GetRequiredService<INotificationChannel>();
        await CreateLoginKeyRingAsync(app.Services, settings.Dsn, cancellationToken);
        StartupSummary.LogWhenStarted(app, settings);

        if (channel is PostgresNotificationChannel listening)
        {
            // A node serves subscriptions only once it hears what the other nodes publish.
            await listening.Started.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        if (settings.UsesDevelopmentSecret)
        {
            app.Logger.LogWarning(
                "NO SYSTEM SECRET IS CONFIGURED: signing keys are sealed with Glint's public development secret. " +
                "This is only acceptable on a developer's machine. Set SECRETS_SYSTEM before anyone else can reach this server.");
        }

        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteServerErrorAsync });
        if (settings.TrustedProxies.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in settings.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            app.UseForwardedHeaders(forwarded);
        }

        app.UseMiddleware<PortSurfaces>(settings.AdminPort);
        app.UseMiddleware<Auth.Audit.AdminCallAudit>();
        app.UseMiddleware<MalformedRequestGuard>(settings.RequestLimits);
        app.UseWebSockets();
        var healthProbes = app.Services.GetRequiredService<HealthProbeRouting>();
        app.Use(healthProbes.Select);
        app.UseRouting();
        // OpenIddict inspects every request it sees for one of its endpoints; /graphql is never one, and the API's own
        // credentials handler authenticates it below.
        // Nor is a health probe, whose first answer would otherwise wait for OpenIddict to build its options; the
        // warm-up that follows it (FirstUseWarmUp) builds them.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments(GraphQLApi.Path) && !HealthApi.Serves(context.Request.Path),
            branch => branch.UseGlintOAuthProtocol());
        // WebApplication puts authentication at the very front of the pipeline, before the port and request guards
        // above, unless it sees it placed; placed in a branch, it is not seen. This is the marker UseAuthentication
        // sets (ASP.NET Core's AuthAppBuilderExtensions); DiscoveryTests and the hostile suites fail without it.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        // Nor does Glint authorize through ASP.NET Core's policies (no endpoint carries [Authorize] or a policy: each API
        // checks its own credentials and scopes), yet WebApplication adds the authorization middleware whenever its
        // services are registered (Razor Pages registers them). At host start that middleware reads every endpoint for
        // its policy cache, which built all of them, the login pages' included, before the node could say it was ready.
        // The same kind of marker, from AuthorizationAppBuilderExtensions, leaves it out. An endpoint given
        // authorization metadata later fails its first request loudly (EndpointMiddleware refuses it), not silently.
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
        app.UseApiCredentials("/graphql");
        app.UseApiRateLimits();

        app.MapHealthApi(healthProbes);
        app.MapVersionApi();
        app.MapGlintAuthPublic();
        app.MapGlintApi();
        app.MapLightningAddresses();
        app.MapGlintLogin();
        app.MapGlintAuthAdmin();
        // A scrape is a GET; the exporter's route would otherwise answer every method.
        app.MapPrometheusScrapingEndpoint("/admin/metrics/prometheus").WithMetadata(new HttpMethodMetadata(GetAndHead.Methods));
        return app;
    }

    /// <summary>
    /// The login pages' cookie and form keys are created on first use, and PostgreSQL nodes starting together would
    /// each create one: a cookie protected with a key that another node's ring was read before would not open there.
    /// The first key is created at start instead, one node at a time, so the nodes after the first find it. SQLite
    /// serves one process, which creates its key on first use as before. Once the ring has a key, a start leaves
    /// reading it to the warm-up (<see cref="FirstUseWarmUp"/>): only the first key needs creating one node at a time.
    /// </summary>
    private static async Task CreateLoginKeyRingAsync(IServiceProvider services, DatabaseDsn dsn, CancellationToken cancellationToken)
    {
        if (dsn.Kind != DatabaseKind.Postgres)
        {
            return;
        }

        await using (var connection = Database.Connect(dsn))
        {
            if (await LoginKeyIdsAsync(connection, cancellationToken) is { Count: > 0 })
            {
                return;
            }
        }

        var protector = services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("glint-start");
        await using var held = await Database.LockAsync(dsn, LoginKeyRingLock, cancellationToken);
        protector.Protect([0]);
    }

    /// <summary>The ids of the login key ring's keys, read in plain SQL before the node listens (see <see cref="StartupReads"/>).</summary>
    public static Task<List<int>> LoginKeyIdsAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken) =>
        StartupReads.ReadAsync(connection, GlintDbContext.DataProtectionKeysTable, [nameof(Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey.Id)],
            reader => reader.GetInt32(0), keyColumn: null, key: null, cancellationToken);

    /// <summary>The advisory lock held while a node creates the login key ring ("glint" in ASCII).</summary>
    private const long LoginKeyRingLock = 0x676C696E74;

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string host, int port)
    {
        if (host == "localhost")
        {
            kestrel.ListenLocalhost(port);
        }
        else
        {
            kestrel.Listen(IPAddress.TryParse(host, out var address) ? address : IPAddress.Any, port);
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ServerSettings settings, IConfiguration config)
    {
        logging.ClearProviders();
        if (settings.JsonLogs)
        {
            logging.AddJsonConsole(json => json.UseUtcTimestamp = true);
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
        }

        logging.SetMinimumLevel(Enum.TryParse<LogLevel>(config[ConfigurationKeys.LogLevel], ignoreCase: true, out var level) ? level : LogLevel.Information);
        // OpenIddict and EF Core log request parameters and SQL at Information and below; warnings are enough
        // for operators and keep tokens and secrets out of the logs whatever the level.
        logging.AddFilter("OpenIddict", LogLevel.Warning);
        logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // While this category can log at all, ASP.NET Core starts an Activity for every request, for log scopes that
        // Glint's formatters never print: about 1.5 % of a GraphQL `me`'s CPU. It logs nothing above Information
        // but a failed start, whose exception stops the process and reaches the console anyway. When traces are
        // recorded, the request's span is started for them as before.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // The login pages' key ring lives in the database, sealed by Glint itself (SealedKeyRingEncryptor); Data
        // Protection's notices about where and how it stores keys do not apply.
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // Antiforgery logs what a client sent wrong: a missing form token as a warning, and any cookie it cannot
        // read (`glint_csrf=x`, from anyone, signed in or not) as an error with a stack trace. The request is
        // refused (or given a new cookie) either way; logged, every such request would be an error an operator cannot act on.
        logging.AddFilter("Microsoft.AspNetCore.Antiforgery", LogLevel.None);
    }

    /// <summary>
    /// Never a stack trace, never an exception's message: a request the server could not read is refused in its
    /// protocol's format (see <see cref="RequestRefusal"/>); anything else is logged and gets its protocol's generic
    /// server error (see <see cref="ServerFailure"/>).
    /// </summary>
    private static async Task WriteServerErrorAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        switch (exception)
        {
            case BadHttpRequestException bad:
                await RequestRefusal.WriteAsync(context, bad.StatusCode,
                    RequestRefusal.Describe(bad.StatusCode, context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize));
                return;
            case InvalidDataException:
                // A form read by an endpoint before MalformedRequestGuard could (a body without a form content type).
                await RequestRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, "The request body cannot be read as a form.");
                return;
            case not null when RefusedAsUnstorable(exception) is { } rule:
                await RequestRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, rule);
                return;
        }

        await ServerFailure.WriteAsync(context);
    }

    /// <summary>
    /// What PostgreSQL refused to store in a value that no validator looked at (a header, a field without a bound):
    /// a NUL character (SQLSTATE 22021) or more characters than the column holds (22001). The client's mistake, not
    /// the server's.
    /// </summary>
    private static string? RefusedAsUnstorable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.CharacterNotInRepertoire }:
                    return "A parameter contains a NUL character, which no parameter accepts.";
                case Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.StringDataRightTruncation }:
                    return "A parameter is longer than Glint stores.";
            }
        }

        return null;
    }
}
