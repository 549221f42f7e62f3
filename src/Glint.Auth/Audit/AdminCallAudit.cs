using Glint.Data.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Auth.Audit;

/// <summary>
/// Audits every admin API call that changes state (POST, PUT, PATCH, DELETE under <c>/admin</c>, introspection
/// aside) and succeeded. The event is committed as the response starts, so the caller never sees an answer whose
/// audit row is not there. Known routes get their own action (client created, consent revoked, …); a handler that
/// knows more (who consented, whether a secret was replaced) says so with <see cref="Note"/>; any other route is
/// <c>admin.call</c> with the method and route as its target. A handler whose own check rides the audit row's write
/// records the event itself, before it answers (<see cref="RecordNowAsync"/>).
/// </summary>
public sealed partial class AdminCallAudit(RequestDelegate next, ILogger<AdminCallAudit> logger)
{
    private static readonly PathString Admin = new("/admin");
    private static readonly PathString Introspection = new("/admin/oauth2/introspect");

    /// <summary>The login, consent and logout requests' routes, which a login and consent app calls in every flow.</summary>
    private const string FlowAnswers = "/admin/oauth2/auth/requests/";

    /// <summary>What the handler knows better than the route does; replaces the route's event.</summary>
    public static void Note(HttpContext http, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Items[typeof(AuditRecord)] = record;
    }

    /// <summary>
    /// Records the call's event now, through <paramref name="write"/>, rather than as the response starts: for a handler
    /// whose own check rides the audit row's write (a login or consent answer's check for a used challenge). The
    /// response then records nothing more. True once stored; false when <paramref name="write"/> declined to store it
    /// (the handler answers with an error); null when the write failed, which is logged as a failed audit row is.
    /// A null <paramref name="record"/> is the route's own event.
    /// </summary>
    public static async Task<bool?> RecordNowAsync(HttpContext http, AuditRecord? record, Func<AuditEvent, Task<bool>> write)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(write);
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        record = (record ?? FromRoute(http, route)) with { RemoteAddress = http.Connection.RemoteIpAddress?.ToString() };
        http.Items[Recorded] = true;
        try
        {
            return await http.RequestServices.GetRequiredService<AuditTrail>().WriteThroughAsync(record, write);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(http.RequestServices.GetRequiredService<ILogger<AdminCallAudit>>(), record.Action, http.Request.Method, route, exception);
            return null;
        }
    }

    /// <summary>The <see cref="HttpContext.Items"/> key that says the handler has recorded the call itself.</summary>
    private static readonly object Recorded = new();

    public Task InvokeAsync(HttpContext http)
    {
        var method = http.Request.Method;
        if ((HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method))
            && http.Request.Path.StartsWithSegments(Admin) && !http.Request.Path.StartsWithSegments(Introspection))
        {
            http.Response.OnStarting(RecordAsync, http);
        }

        return next(http);
    }

    private async Task RecordAsync(object state)
    {
        var http = (HttpContext)state;
        if (http.Response.StatusCode >= 400 || http.Items.ContainsKey(Recorded) || http.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return;
        }

        var record = http.Items[typeof(AuditRecord)] as AuditRecord ?? FromRoute(http, endpoint.RoutePattern.RawText ?? "");
        record = record with { RemoteAddress = http.Connection.RemoteIpAddress?.ToString() };
        try
        {
            // Committed with the token rows in flight (group commit), not in a transaction of its own: under load the
            // login and consent answers of many flows share one commit.
            var audit = http.RequestServices.GetRequiredService<AuditTrail>();
            await http.RequestServices.GetRequiredService<OAuth2.TokenWriter>().WriteAsync(audit.RowFor(record), http.RequestAborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The change is made and answered; only its audit row is missing, which the log says.
            LogFailed(logger, record.Action, http.Request.Method, endpoint.RoutePattern.RawText, exception);
        }
    }

    private static AuditRecord FromRoute(HttpContext http, string route)
    {
        var method = http.Request.Method;
        var query = http.Request.Query;
        var id = http.GetRouteValue("id") as string;
        return (method, route.TrimEnd('/')) switch
        {
            ("POST", "/admin/clients") => new(AuditActions.ClientCreated, AuditActors.Admin) { ClientId = CreatedClientId(http) },
            ("PUT" or "PATCH", "/admin/clients/{id}") or ("PUT", "/admin/clients/{id}/lifespans") =>
                new(AuditActions.ClientUpdated, AuditActors.Admin) { ClientId = id },
            ("DELETE", "/admin/clients/{id}") => new(AuditActions.ClientDeleted, AuditActors.Admin) { ClientId = id },
            ("DELETE", "/admin/oauth2/auth/sessions/consent") => new(AuditActions.ConsentRevoked, AuditActors.Admin)
            {
                Subject = query["subject"].ToString(),
                ClientId = query["client"].ToString() is { Length: > 0 } client ? client : null,
                Target = query["client"].Count == 0 && query["all"].ToString() == "true" ? "all" : null,
            },
            ("DELETE", "/admin/oauth2/tokens") => new(AuditActions.TokenRevoked, AuditActors.Admin) { ClientId = query["client_id"].ToString(), Target = "all" },
            _ => new(AuditActions.AdminCall, AuditActors.Admin)
            {
                Target = method + " " + http.Request.Path,
                PerFlow = route.StartsWith(FlowAnswers, StringComparison.Ordinal),
            },
        };
    }

    /// <summary>The id a create answered with, from its <c>Location</c> (<c>/admin/clients/{id}</c>).</summary>
    private static string? CreatedClientId(HttpContext http) =>
        http.Response.Headers.Location.ToString() is { Length: > 0 } location ? Uri.UnescapeDataString(location[(location.LastIndexOf('/') + 1)..]) : null;

    [LoggerMessage(EventId = 4311, Level = LogLevel.Error, Message = "The audit event {Action} of {Method} {Route} could not be stored")]
    private static partial void LogFailed(ILogger logger, string action, string method, string? route, Exception exception);
}
