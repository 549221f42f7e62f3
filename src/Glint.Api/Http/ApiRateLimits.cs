using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.RateLimiting;
using Glint.Data.Network;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Glint.Api.Http;

/// <summary>
/// Requests per window on <c>/graphql</c>, per credential (configuration section <c>api:rate_limits</c>): per OAuth
/// client (all its users together), per API key, per session, and per IP address for anonymous calls (the Lightning
/// address endpoints count as such). Blink has none per client or key; Glint does, so that one app cannot starve the
/// others. Counted per node.
/// </summary>
public sealed class ApiRateLimitOptions
{
    public const string Section = "api:rate_limits";

    [ConfigurationKeyName("per_client")] public int PerClient { get; set; } = 6000;

    [ConfigurationKeyName("per_api_key")] public int PerApiKey { get; set; } = 600;

    [ConfigurationKeyName("per_session")] public int PerSession { get; set; } = 600;

    [ConfigurationKeyName("per_ip")] public int PerIp { get; set; } = 300;

    [ConfigurationKeyName("window")] public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

public static class ApiRateLimits
{
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services)
    {
        services.AddOptions<ApiRateLimitOptions>().BindConfiguration(ApiRateLimitOptions.Section);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiRateLimitOptions>, TimeProvider>((limiter, limits, time) =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, limits.Value, time));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>Runs after the credentials are known, so each request counts against the credential that made it.</summary>
    public static IApplicationBuilder UseApiRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static RateLimitPartition<string> Partition(HttpContext http, ApiRateLimitOptions limits, TimeProvider time)
    {
        // The Lightning address endpoints issue invoices without credentials, as lnInvoiceCreateOnBehalfOfRecipient
        // does, so they count against the same anonymous budget per address.
        if (!http.Request.Path.StartsWithSegments("/graphql") && !LightningAddresses.LightningAddressApi.Serves(http.Request.Path))
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var user = http.User;
        var (key, permits) = user.FindFirstValue("glint_credential") switch
        {
            "oauth2" => ("client:" + user.FindFirstValue("client_id"), limits.PerClient),
            "api_key" => ("key:" + user.FindFirstValue("client_id"), limits.PerApiKey),
            "session" => ("session:" + user.FindFirstValue("glint_session"), limits.PerSession),
            _ => ("ip:" + ClientAddress.LimitKey(http.Connection.RemoteIpAddress), limits.PerIp),
        };
        return RateLimitPartition.Get(key, _ => new ClockedFixedWindow(permits, limits.Window, time));
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var response = context.HttpContext.Response;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        response.ContentType = "application/json; charset=utf-8";
        // A wallet paying a Lightning address reads LNURL's error shape (LUD-06), not the API's.
        object body = LightningAddresses.LightningAddressApi.Serves(context.HttpContext.Request.Path)
            ? new { status = "ERROR", reason = "Too many requests from this address. Retry after the time in Retry-After." }
            : new { error = new { code = 429, status = "Too Many Requests", message = "Too many requests for this credential. Retry after the time in Retry-After." } };
        await JsonSerializer.SerializeAsync(response.Body, body, cancellationToken: cancellationToken);
    }
}
