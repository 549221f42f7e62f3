using System.Threading.RateLimiting;
using Glint.Auth;
using Glint.Auth.Clients;
using Glint.Data.Network;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Glint.Login.Developers;

/// <summary>
/// <c>/oauth2/register</c> on the public port (RFC 7591, RFC 7592), with errors in RFC 7591's JSON, which is Hydra's
/// admin error body. Off by default: then every path answers 404 as Hydra's does.
/// </summary>
public static class DynamicRegistrationApi
{
    public static IEndpointRouteBuilder MapDynamicRegistrationApi(this IEndpointRouteBuilder routes)
    {
        var register = routes.MapGroup(DynamicRegistrations.Path).DisableAntiforgery();
        register.MapPost("", RegisterAsync);
        register.MapMethods("/{id}", GetAndHead.Methods, ReadAsync);
        register.MapPut("/{id}", UpdateAsync);
        register.MapDelete("/{id}", DeleteAsync);
        return routes;
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, LoginOptions options, RegistrationLimiter limiter, DynamicRegistrations registrations)
    {
        if (Disabled(options) is { } disabled)
        {
            return disabled;
        }

        NoStore(http);
        if (!limiter.TryAcquire(http))
        {
            return HydraError.Result(StatusCodes.Status429TooManyRequests, "too_many_requests",
                $"This address has made {options.Developers.DynamicRegistration.RegistrationsPerIp} registrations in the last hour, the most allowed: try again later.");
        }

        var (client, error) = await HydraJsonBody.ReadAsync<ClientMetadata>(http.Request);
        return client is null ? error! : await registrations.RegisterAsync(client, RemoteAddress(http), http.RequestAborted);
    }

    private static async Task<IResult> ReadAsync(string id, HttpContext http, LoginOptions options, DynamicRegistrations registrations) =>
        Disabled(options) ?? await registrations.ReadAsync(id, Token(http), http.RequestAborted);

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, LoginOptions options, DynamicRegistrations registrations)
    {
        if (Disabled(options) is { } disabled)
        {
            return disabled;
        }

        NoStore(http);
        var (client, error) = await HydraJsonBody.ReadAsync<ClientMetadata>(http.Request);
        return client is null ? error! : await registrations.UpdateAsync(id, Token(http), client, RemoteAddress(http), http.RequestAborted);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, LoginOptions options, DynamicRegistrations registrations) =>
        Disabled(options) ?? await registrations.DeleteAsync(id, Token(http), RemoteAddress(http), http.RequestAborted);

    private static IResult? Disabled(LoginOptions options) =>
        options.Developers.DynamicRegistration.Enabled
            ? null
            : HydraError.Result(StatusCodes.Status404NotFound, "The requested resource could not be found", "Dynamic registration is not enabled.");

    private static string? RemoteAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    private static string? Token(HttpContext http) => RegistrationAccessToken.FromHeader(http.Request.Headers.Authorization.ToString());

    /// <summary>Replies carry a secret or a registration access token: RFC 7591 §3.2.1 forbids caching them.</summary>
    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }
}

/// <summary>Registrations per client address and hour, counted by each node (a bound on work and on the review queue, not an accounting).</summary>
public sealed class RegistrationLimiter(LoginOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Developers.DynamicRegistration.RegistrationsPerIp,
            Window = DynamicRegistrationOptions.RegistrationsWindow,
            QueueLimit = 0,
        }));

    public bool TryAcquire(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var lease = _limiter.AttemptAcquire(ClientAddress.LimitKey(http.Connection.RemoteIpAddress));
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
