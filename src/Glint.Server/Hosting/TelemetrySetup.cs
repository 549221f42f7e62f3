using System.Globalization;
using Glint.Api;
using Glint.Auth;
using Glint.Auth.Audit;
using Glint.Callbacks;
using Glint.Data;
using Glint.Login;
using Glint.Wallets;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Glint.Server.Hosting;

/// <summary>
/// Where traces go, with Hydra's keys: <c>tracing.provider</c> (<c>otel</c>), <c>tracing.service_name</c>,
/// <c>tracing.providers.otlp.server_url</c> (host:port, as Hydra takes it, or a URL), <c>.insecure</c> (plain HTTP)
/// and <c>.sampling.sampling_ratio</c>. <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> alone turns tracing on too, as the
/// OpenTelemetry SDKs do. Traces go over OTLP/HTTP with protobuf to <c>{endpoint}/v1/traces</c>.
/// </summary>
public sealed record TracingSettings(Uri Endpoint, string ServiceName, double SamplingRatio)
{
    public const string Otel = "otel";

    /// <summary>The settings, or null when tracing is off (the default).</summary>
    public static TracingSettings? Read(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var provider = config[ConfigurationKeys.TracingProvider];
        var otelEndpoint = config[ConfigurationKeys.OtelExporterEndpoint];
        if (string.IsNullOrEmpty(provider) && string.IsNullOrEmpty(otelEndpoint))
        {
            return null;
        }

        if (!string.IsNullOrEmpty(provider) && provider != Otel)
        {
            throw new SettingsException($"tracing.provider must be '{Otel}' (OpenTelemetry over OTLP), not '{provider}'.");
        }

        var insecure = ServerSettings.Flag(config, ConfigurationKeys.TracingOtlpInsecure);
        var server = config[ConfigurationKeys.TracingOtlpServerUrl];
        var endpoint = !string.IsNullOrEmpty(server) ? server : otelEndpoint ?? "http://localhost:4318";
        if (!endpoint.Contains("://", StringComparison.Ordinal))
        {
            endpoint = (insecure ? "http://" : "https://") + endpoint;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new SettingsException($"tracing.providers.otlp.server_url (or OTEL_EXPORTER_OTLP_ENDPOINT) must be host:port or an http(s) URL, not '{endpoint}'.");
        }

        var ratio = 1.0;
        if (config[ConfigurationKeys.TracingSamplingRatio] is { Length: > 0 } ratioText &&
            !(double.TryParse(ratioText, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) && ratio is >= 0 and <= 1))
        {
            throw new SettingsException($"tracing.providers.otlp.sampling.sampling_ratio must be a number from 0 to 1, not '{ratioText}'.");
        }

        return new(new Uri(uri.AbsoluteUri.TrimEnd('/') + "/v1/traces"), config[ConfigurationKeys.TracingServiceName] is { Length: > 0 } name ? name : "Glint", ratio);
    }
}

/// <summary>
/// Metrics for Prometheus at <c>/admin/metrics/prometheus</c> (ASP.NET Core's request durations and every capability's
/// meter), and, when <see cref="TracingSettings"/> say so, traces: a span per request (ASP.NET Core's, tagged by the
/// token endpoint and the GraphQL API), database spans (<see cref="DatabaseTelemetry"/>) and outgoing HTTP. Spans never
/// carry a query string: challenges, codes and webhook tokens travel in some.
/// </summary>
public static class TelemetrySetup
{
    public static readonly string[] Meters =
        [AuthTelemetry.Name, AuditTelemetry.Name, LoginTelemetry.Name, WalletTelemetry.Name, CallbackTelemetry.Name, DatabaseTelemetry.Name];

    /// <summary>
    /// ASP.NET Core's meters that Glint exports, named here rather than through the instrumentation package's list,
    /// which also subscribes meters of frameworks Glint does not use and, for routing, only a per-request count of
    /// route matches that the request duration's <c>http.route</c> already gives. (The package's metrics extension
    /// also wraps the pipeline to tag unhandled exceptions, which Glint's exception handler tags itself.)
    /// </summary>
    public static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.MemoryPool",
    ];

    /// <summary>
    /// Instruments of those meters that record on every request, or on every buffer rented, and say nothing the
    /// exported ones do not: dropped, so the SDK never enables them and ASP.NET Core skips the measurement. The mean
    /// number of requests in flight is the rate of the request duration's sum; a rate-limiting lease lasts as long as
    /// its request; a sign-in is a token issued (<c>glint.oauth2.tokens.issued</c>); an authentication's duration is
    /// part of its request's. The memory pool's rented bytes and its pool size move on every read and write of a
    /// connection; what it allocated and evicted (rare) stays.
    /// </summary>
    public static readonly string[] DroppedInstruments =
    [
        "http.server.active_requests",
        "aspnetcore.rate_limiting.active_request_leases", "aspnetcore.rate_limiting.request_lease.duration",
        "aspnetcore.authentication.sign_ins", "aspnetcore.authentication.authenticate.duration",
        "aspnetcore.memory_pool.rented", "aspnetcore.memory_pool.pooled",
    ];

    public static void AddGlintTelemetry(this IServiceCollection services, TracingSettings? tracing)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(tracing?.ServiceName ?? "Glint"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AspNetCoreMeters).AddMeter(Meters);
                foreach (var instrument in DroppedInstruments)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }

                metrics.AddPrometheusExporter();
            });
        if (tracing is null)
        {
            return;
        }

        telemetry.WithTracing(traces => traces
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(tracing.SamplingRatio)))
            .AddAspNetCoreInstrumentation(options =>
            {
                options.RecordException = false;
                options.EnrichWithHttpRequest = static (span, _) => span.SetTag("url.query", null);
            })
            .AddHttpClientInstrumentation(options =>
            {
                options.RecordException = false;
                options.EnrichWithHttpRequestMessage = static (span, request) => span.SetTag("url.full", request.RequestUri?.GetLeftPart(UriPartial.Path));
            })
            .AddSource(AuthTelemetry.Name, DatabaseTelemetry.Name, ApiTelemetry.Name)
            .AddOtlpExporter(otlp =>
            {
                otlp.Endpoint = tracing.Endpoint;
                otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
            }));
    }
}
