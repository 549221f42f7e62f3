using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Reflection;
using System.Text;
using Glint.Ledger;
using Glint.Server.Hosting;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Wallets;
using Glint.Wallets.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// What an operator's collector sees: Glint's counters (through a listener and at the Prometheus endpoint), and a
/// request's span with its grant, client and database spans, never a secret.
/// </summary>
public abstract class TelemetryTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private sealed record Measurement(string Instrument, double Value, Dictionary<string, string?> Tags)
    {
        public string? Tag(string name) => Tags.GetValueOrDefault(name);
    }

    private static MeterListener Listen(ConcurrentQueue<Measurement> seen)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meters) =>
            {
                if (instrument.Meter.Name.StartsWith("Glint.", StringComparison.Ordinal))
                {
                    meters.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen.Enqueue(new(instrument.Name, value, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => seen.Enqueue(new(instrument.Name, value, Tags(tags))));
        listener.Start();
        return listener;
    }

    private static Dictionary<string, string?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var (key, value) in tags)
        {
            copy[key] = value?.ToString();
        }

        return copy;
    }

    private async Task<(string Id, string Secret)> CreateClientAsync()
    {
        var created = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read", token_endpoint_auth_method = "client_secret_basic" });
        return (created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>());
    }

    private async Task<string> TokenAsync(string id, string secret)
    {
        using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        return (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
    }

    [Fact]
    public async Task Counters_SeeIssuedAndRefusedTokens_Validations_Payments_AndDatabaseTime()
    {
        var seen = new ConcurrentQueue<Measurement>();
        using var listener = Listen(seen);
        var (id, secret) = await CreateClientAsync();
        var token = await TokenAsync(id, secret);
        using (var refused = await server.TokenAsync(id, "wrong", new Dictionary<string, string> { ["grant_type"] = "client_credentials" }))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        await server.IntrospectAsync(token);
        await server.IntrospectAsync(token);
        await using var wallets = await WalletDatabase.OpenAsync(server);
        var alice = await wallets.OpenAccountAsync(sats: 1_000);
        var bob = await wallets.OpenAccountAsync();
        var paid = await wallets.InScopeAsync(provider => provider.GetRequiredService<PaymentService>()
            .PayAsync(alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 100, Currency.Btc, null, null, CancellationToken.None));
        Assert.Equal(PaymentStatus.Success, paid.Status);
        var refusedPayment = await wallets.InScopeAsync(provider => provider.GetRequiredService<PaymentService>()
            .PayAsync(bob.AccountId, bob.BtcWalletId, alice.BtcWalletId, 1_000_000, Currency.Btc, null, null, CancellationToken.None));
        Assert.Equal(PaymentStatus.Failure, refusedPayment.Status);

        var ours = seen.Where(measurement => measurement.Tag("client_id") == id).ToList();
        var issued = Assert.Single(ours, measurement => measurement.Instrument == "glint.oauth2.tokens.issued");
        Assert.Equal("client_credentials", issued.Tag("grant_type"));
        var refusedToken = Assert.Single(ours, measurement => measurement.Instrument == "glint.oauth2.tokens.refused");
        Assert.Equal("invalid_client", refusedToken.Tag("error"));
        Assert.Contains(seen, measurement => measurement.Instrument == "glint.oauth2.token.validations" && measurement.Tag("cached") == "True");
        Assert.Contains(seen, measurement => measurement.Instrument == "glint.oauth2.token.validations" && measurement.Tag("cached") == "False");
        Assert.Contains(seen, measurement => measurement is { Instrument: "glint.wallet.payments" } && measurement.Tag("outcome") == "success" && measurement.Tag("currency") == "BTC");
        Assert.Contains(seen, measurement => measurement is { Instrument: "glint.wallet.payments" } && measurement.Tag("outcome") == "INSUFFICIENT_BALANCE");
        var system = server.Dsn.StartsWith("postgres", StringComparison.Ordinal) ? "postgresql" : "sqlite";
        Assert.Contains(seen, measurement => measurement.Instrument == "glint.db.command.duration" && measurement.Tag("db.system.name") == system && measurement.Value >= 0);
        Assert.DoesNotContain(seen, measurement => measurement.Tags.Values.Any(value => value is not null && (value.Contains(secret, StringComparison.Ordinal) || value.Contains(token, StringComparison.Ordinal))));
    }

    /// <summary>
    /// One scrape for everything this class checks in the exposition: the exporter answers a scrape within a short
    /// while of the previous one from its cache, so a second test's scrape could see the first one's figures.
    /// </summary>
    [Fact]
    public async Task Prometheus_ShowsTokensByClient_RequestDurationsByRouteAndStatus_AndNoRedundantPerRequestInstrument()
    {
        var user = await server.NewUserAsync();
        var me = await server.DataAsync(user.Token, "query { me { defaultAccount { wallets { id balance } } } }");
        Assert.NotNull(me["me"]!["defaultAccount"]);
        var (id, secret) = await CreateClientAsync();
        await TokenAsync(id, secret);
        using (var refused = await server.TokenAsync(id, "wrong", new Dictionary<string, string> { ["grant_type"] = "client_credentials" }))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        var metrics = await server.Admin.GetStringAsync("/admin/metrics/prometheus");
        var lines = metrics.Split('\n');
        using (var posted = await server.Admin.PostAsync("/admin/metrics/prometheus", null))
        {
            Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, posted.StatusCode);
        }

        Assert.Contains(lines, line => line.StartsWith("glint_oauth2_tokens_issued_total{", StringComparison.Ordinal) && line.Contains($"client_id=\"{id}\"", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("glint_oauth2_tokens_refused_total{", StringComparison.Ordinal) && line.Contains($"client_id=\"{id}\"", StringComparison.Ordinal));
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("glint_db_command_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, metrics, StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && line.Contains("http_route=\"/graphql\"", StringComparison.Ordinal) && line.Contains("http_response_status_code=\"200\"", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("glint_oauth2_token_validations_total{", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("glint_db_command_duration_seconds_count{", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("kestrel_connection_duration_seconds_count{", StringComparison.Ordinal)
            || line.StartsWith("kestrel_active_connections{", StringComparison.Ordinal));
        foreach (var dropped in new[]
        {
            "http_server_active_requests", "aspnetcore_routing_match_attempts", "aspnetcore_rate_limiting_active_request_leases",
            "aspnetcore_rate_limiting_request_lease_duration", "aspnetcore_memory_pool_rented", "aspnetcore_memory_pool_pooled",
            "aspnetcore_authentication_sign_ins", "aspnetcore_authentication_authenticate_duration",
        })
        {
            Assert.DoesNotContain(lines, line => line.StartsWith(dropped, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Instruments_TheDroppedOnes_AreDisabled_SoAspNetCoreSkipsTheirMeasurements()
    {
        var user = await server.NewUserAsync();
        await server.DataAsync(user.Token, "query { me { defaultAccount { id } } }");
        var (id, secret) = await CreateClientAsync();
        await TokenAsync(id, secret);
        var ours = server.Services.GetRequiredService<IMeterFactory>();
        var enabled = new Dictionary<string, bool>();
        using var listener = new MeterListener
        {
            // Called for every instrument already published, before this listener enables anything: Enabled is
            // what the node's own meter provider decided.
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, ours))
                {
                    enabled[instrument.Name] = instrument.Enabled;
                }
            },
        };
        listener.Start();

        Assert.True(enabled["http.server.request.duration"]);
        Assert.False(enabled["http.server.active_requests"]);
        Assert.False(enabled["aspnetcore.memory_pool.rented"]);
        Assert.False(enabled["aspnetcore.memory_pool.pooled"]);
        Assert.True(enabled["aspnetcore.memory_pool.allocated"]);
        foreach (var dropped in TelemetrySetup.DroppedInstruments)
        {
            Assert.False(enabled.GetValueOrDefault(dropped), dropped);
        }

        Assert.False(enabled.GetValueOrDefault("aspnetcore.routing.match_attempts"));
    }

    [Fact]
    public async Task Spans_ATokenRequest_CarriesGrantAndClient_WithDatabaseChildren_AndNoSecret()
    {
        using var spans = new SpanRecorder();
        var stopped = spans.Stopped;
        var (id, secret) = await CreateClientAsync();
        var token = await TokenAsync(id, secret);
        var send = OperationName("TelemetrySend");
        var alice = await server.NewUserAsync(sats: 1_000);
        var bob = await server.NewUserAsync();
        var paid = await server.DataAsync(alice.Token,
            $"mutation {send}($input: IntraLedgerPaymentSendInput!) {{ intraLedgerPaymentSend(input: $input) {{ status }} }}",
            new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 100 } }, operationName: send);
        Assert.Equal("SUCCESS", paid["intraLedgerPaymentSend"]!["status"]!.GetValue<string>());

        var request = await spans.EndedAsync(span => span.GetTagItem("oauth2.client_id") as string == id);
        Assert.Equal("client_credentials", request.GetTagItem("oauth2.grant_type"));
        var trace = stopped.Where(span => span.TraceId == request.TraceId).ToList();
        Assert.Contains(trace, span => span.Source.Name == "Glint.Database" && span.ParentSpanId == request.SpanId && span.GetTagItem("db.query.text") is string);
        // The token's row, written by the node's group commit on another task, is in the request's trace too.
        Assert.Contains(trace, span => span.Source.Name == "Glint.Database" && span.ParentSpanId == request.SpanId
            && span.GetTagItem("db.operation.name") as string == "INSERT" && QueryText(span).Contains("\"oauth2_tokens\"", StringComparison.Ordinal));
        Assert.DoesNotContain(trace.SelectMany(span => span.TagObjects), tag => tag.Value?.ToString() is { } value
            && (value.Contains(secret, StringComparison.Ordinal) || value.Contains(token, StringComparison.Ordinal)));
        var payment = await spans.EndedAsync(span => span.GetTagItem("graphql.operation.name") as string == send);
        Assert.Contains(stopped, child => child.ParentSpanId == payment.SpanId && child.GetTagItem("db.query.text") is string);
        // The ledger's own statements (a batch on PostgreSQL, a commit group's savepoint on SQLite) are in the payment's trace.
        Assert.Contains(stopped, span => span.Source.Name == "Glint.Database" && span.TraceId == payment.TraceId
            && QueryText(span).Contains("INSERT INTO ledger_entries", StringComparison.Ordinal));
        Assert.Contains(stopped, span => span.Source.Name == "Glint.Database" && span.TraceId == payment.TraceId
            && QueryText(span).Contains("UPDATE wallets", StringComparison.Ordinal));
        Assert.DoesNotContain(stopped.Where(span => span.TraceId == payment.TraceId).SelectMany(span => span.TagObjects),
            tag => tag.Value?.ToString() is { } value && value.Contains(alice.Token, StringComparison.Ordinal));
    }

    /// <summary>
    /// An operation name no other test uses: a listener hears every span in the process, including those of the other
    /// database's class running at the same time.
    /// </summary>
    private static string OperationName(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private static string QueryText(Activity span) => span.GetTagItem("db.query.text") as string ?? "";

    /// <summary>The spans of ASP.NET Core and Glint's database that end while it listens, in every server of the process.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        // Not disposed: a span of another test's server that ends while the listener is being removed can still call it
        // afterwards. Released once disposed, the semaphore threw into that server's code (a fixture's migration failed
        // so); undisposed, it holds nothing to free.
        private readonly SemaphoreSlim _ended = new(0);
        private readonly ActivityListener _listener;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Glint.Database",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = span =>
                {
                    Stopped.Enqueue(span);
                    _ended.Release();
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentQueue<Activity> Stopped { get; } = new();

        /// <summary>
        /// The one span that matches, once it has ended: a request's span ends once its response is complete, which can
        /// be just after the client has read it.
        /// </summary>
        public async Task<Activity> EndedAsync(Func<Activity, bool> match)
        {
            while (!Stopped.Any(match))
            {
                Assert.True(await _ended.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the span never ended");
            }

            return Assert.Single(Stopped, span => match(span));
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task Spans_TheApiReadOfTheCallersAccount_IsADatabaseSpanOfTheRequest()
    {
        using var spans = new SpanRecorder();
        var stopped = spans.Stopped;
        var user = await server.NewUserAsync();

        var read = OperationName("TelemetryMe");
        var me = await server.DataAsync(user.Token, $"query {read} {{ me {{ defaultAccount {{ id }} }} }}", operationName: read);

        Assert.NotNull(me["me"]!["defaultAccount"]!["id"]);
        var request = await spans.EndedAsync(span => span.GetTagItem("graphql.operation.name") as string == read);
        Assert.Contains(stopped, span => span.Source.Name == "Glint.Database" && span.TraceId == request.TraceId
            && span.GetTagItem("db.operation.name") as string == "SELECT" && QueryText(span).Contains("LEFT JOIN", StringComparison.Ordinal));
    }
}

public sealed class SqliteTelemetryTests(SqliteServerFixture server) : TelemetryTests<SqliteServerFixture>(server);

public sealed class PostgresTelemetryTests(PostgresServerFixture server) : TelemetryTests<PostgresServerFixture>(server);

/// <summary>Tracing's settings, and a trace exported over OTLP/HTTP to a receiver on loopback.</summary>
public sealed class OtlpExportTests
{
    private static TracingSettings? Read(Dictionary<string, string?> flags, Hashtable? environment = null) =>
        TracingSettings.Read(GlintConfiguration.Build(flags, environment ?? new Hashtable(), AppContext.BaseDirectory));

    [Fact]
    public void Tracing_IsOff_UntilAProviderOrEndpointIsSet_AndReadsHydrasKeys()
    {
        Assert.Null(Read([]));
        var hydra = Read(new() { [ConfigurationKeys.TracingProvider] = "otel", [ConfigurationKeys.TracingOtlpServerUrl] = "collector:4318" })!;
        Assert.Equal("https://collector:4318/v1/traces", hydra.Endpoint.ToString());
        var insecure = Read(new() { [ConfigurationKeys.TracingProvider] = "otel", [ConfigurationKeys.TracingOtlpServerUrl] = "collector:4318", [ConfigurationKeys.TracingOtlpInsecure] = "true" })!;
        Assert.Equal("http://collector:4318/v1/traces", insecure.Endpoint.ToString());
        var sdk = Read([], new Hashtable { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel:4318/" })!;
        Assert.Equal("http://otel:4318/v1/traces", sdk.Endpoint.ToString());
        Assert.Equal("Glint", sdk.ServiceName);
        var byEnvironment = Read([], new Hashtable { ["TRACING_PROVIDER"] = "otel", ["TRACING_SERVICE_NAME"] = "wallet-api" })!;
        Assert.Equal("wallet-api", byEnvironment.ServiceName);

        var wrong = Assert.Throws<SettingsException>(() => Read(new() { [ConfigurationKeys.TracingProvider] = "jaeger" }));
        Assert.Contains("tracing.provider", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<SettingsException>(() => Read(new() { [ConfigurationKeys.TracingProvider] = "otel", [ConfigurationKeys.TracingSamplingRatio] = "2" }));
    }

    [Fact]
    public async Task ATokenRequestsTrace_ReachesAnOtlpReceiver_WithItsDatabaseSpans_AndNoSecret()
    {
        var port = Cli.GlintCli.FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var bodies = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var received = ReceiveAsync(receiver, bodies);

        var server = new TracedServer(port);
        await server.InitializeAsync();
        string id, secret;
        try
        {
            var created = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read" });
            (id, secret) = (created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>());
            using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            // Stopping the server flushes the exporter's batch.
            await server.DisposeAsync();
        }

        receiver.Stop();
        await received;
        var traces = bodies.Where(body => body.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, body => Assert.Equal("application/x-protobuf", body.ContentType));
        var all = string.Concat(traces.Select(body => Encoding.UTF8.GetString(body.Body)));
        Assert.Contains("oauth2.client_id", all, StringComparison.Ordinal);
        Assert.Contains(id, all, StringComparison.Ordinal);
        Assert.Contains("db.system.name", all, StringComparison.Ordinal);
        Assert.Contains("Glint", all, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
    }

    private static async Task ReceiveAsync(HttpListener receiver, ConcurrentQueue<(string, string?, byte[])> bodies)
    {
        while (receiver.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await receiver.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            bodies.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    private sealed class TracedServer(int port) : SqliteServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            [ConfigurationKeys.TracingProvider] = "otel",
            [ConfigurationKeys.TracingOtlpServerUrl] = $"127.0.0.1:{port}",
            [ConfigurationKeys.TracingOtlpInsecure] = "true",
        };
    }
}

/// <summary>Every log message has an id of its own, so an operator can filter on one and find only that message.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLogMessage_HasItsOwnExplicitEventId()
    {
        var assemblies = new[]
        {
            typeof(Glint.Auth.AuthTelemetry), typeof(Glint.Api.ApiTelemetry), typeof(Glint.Login.LoginTelemetry), typeof(Glint.Wallets.WalletTelemetry),
            typeof(Glint.Callbacks.CallbackTelemetry), typeof(Glint.Data.DatabaseTelemetry), typeof(ServerTelemetry), typeof(Glint.Data.Postgres.PostgresDatabase),
        }.Select(type => type.Assembly).Distinct();
        var messages = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method.DeclaringType!.FullName + "." + method.Name, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(message => message.Attribute is not null)
            .ToList();

        Assert.True(messages.Count > 30, $"only {messages.Count} log messages found");
        Assert.DoesNotContain(messages, message => message.Attribute!.EventId < 0);
        var shared = messages.GroupBy(message => message.Attribute!.EventId).Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(message => message.Method))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
    }
}
