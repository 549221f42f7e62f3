using System.Text.Json.Serialization;
using Glint.Auth;
using Glint.Data.Developers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Glint.Login.Developers;

/// <summary>
/// The operator's review of developer apps on the admin port: <c>/admin/apps</c>, with errors in the admin API's
/// (Hydra's) format. <c>glint apps</c> calls these.
/// </summary>
public static class AppAdminApi
{
    public const string Path = "/admin/apps";
    private const int ListLimit = 500;

    public static IEndpointRouteBuilder MapAppAdminApi(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup(Path).DisableAntiforgery();
        apps.MapMethods("", GetAndHead.Methods, ListAsync);
        apps.MapMethods("/{id}", GetAndHead.Methods, GetAsync);
        apps.MapMethods("/{id}/history", GetAndHead.Methods, HistoryAsync);
        apps.MapPost("/{id}/approve", ApproveAsync);
        apps.MapPost("/{id}/request-changes", RequestChangesAsync);
        apps.MapPost("/{id}/reject", RejectAsync);
        apps.MapPost("/{id}/suspend", SuspendAsync);
        apps.MapPost("/{id}/resume", ResumeAsync);
        return routes;
    }

    /// <summary>The body of a decision; each decision reads the fields it takes.</summary>
    public sealed class DecisionBody
    {
        /// <summary>Approve: the scopes granted instead of those asked for, space-separated.</summary>
        [JsonPropertyName("scope")] public string? Scope { get; set; }

        [JsonPropertyName("skip_consent")] public bool SkipConsent { get; set; }

        [JsonPropertyName("message")] public string? Message { get; set; }

        [JsonPropertyName("reason")] public string? Reason { get; set; }
    }

    private static async Task<IResult> ListAsync(HttpContext http, AppReview review)
    {
        var status = http.Request.Query["status"].ToString();
        if (status.Length > 0 && !DeveloperAppStatus.All.Contains(status, StringComparer.Ordinal))
        {
            return HydraError.InvalidRequest($"Query parameter 'status' must be one of {string.Join(", ", DeveloperAppStatus.All)}, not '{status}'.");
        }

        var apps = await review.ListAsync(status.Length == 0 ? null : status, ListLimit, http.RequestAborted);
        return Json(apps.Select(AppJson.From).ToList());
    }

    private static async Task<IResult> GetAsync(string id, AppReview review, CancellationToken cancellationToken) =>
        !Guid.TryParse(id, out var appId) ? UnknownId(id)
        : await review.FindAsync(appId, cancellationToken) is { } app ? Json(AppJson.From(app))
        : AppFailure.NotFound(appId).ToHydraError();

    private static async Task<IResult> HistoryAsync(string id, AppReview review, CancellationToken cancellationToken) =>
        !Guid.TryParse(id, out var appId) ? UnknownId(id)
        : await review.HistoryAsync(appId, cancellationToken) is { } events ? Json(events.Select(AppJson.From).ToList())
        : AppFailure.NotFound(appId).ToHydraError();

    private static Task<IResult> ApproveAsync(string id, HttpContext http, AppReview review) =>
        DecideAsync(id, http, (appId, body) => review.ApproveAsync(appId,
            body.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries), body.SkipConsent, RemoteAddress(http), http.RequestAborted));

    private static Task<IResult> RequestChangesAsync(string id, HttpContext http, AppReview review) =>
        DecideAsync(id, http, (appId, body) => review.RequestChangesAsync(appId, body.Message, http.RequestAborted));

    private static Task<IResult> RejectAsync(string id, HttpContext http, AppReview review) =>
        DecideAsync(id, http, (appId, body) => review.RejectAsync(appId, body.Reason, http.RequestAborted));

    private static Task<IResult> SuspendAsync(string id, HttpContext http, AppReview review) =>
        DecideAsync(id, http, (appId, body) => review.SuspendAsync(appId, body.Reason, RemoteAddress(http), http.RequestAborted));

    private static Task<IResult> ResumeAsync(string id, HttpContext http, AppReview review) =>
        DecideAsync(id, http, (appId, _) => review.ResumeAsync(appId, RemoteAddress(http), http.RequestAborted));

    private static string? RemoteAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    private static async Task<IResult> DecideAsync(string id, HttpContext http, Func<Guid, DecisionBody, Task<AppResult>> decide)
    {
        if (!Guid.TryParse(id, out var appId))
        {
            return UnknownId(id);
        }

        var body = new DecisionBody();
        if (http.Request.ContentLength is not 0 && (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0))
        {
            var (read, error) = await HydraJsonBody.ReadAsync<DecisionBody>(http.Request);
            if (read is null)
            {
                return error!;
            }

            body = read;
        }

        var result = await decide(appId, body);
        return result.App is { } app ? Json(AppJson.From(app)) : result.Failure!.ToHydraError();
    }

    private static IResult UnknownId(string id) =>
        HydraError.Result(StatusCodes.Status404NotFound, "Unable to locate the resource", $"There is no app '{id}': app ids are UUIDs.");

    private static IResult Json<T>(T value) => Results.Json(value, HydraJson.Options, "application/json; charset=utf-8");
}

/// <summary>An app as the admin API shows it; the field names follow the client's where they mean the same.</summary>
public sealed record AppJson(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("contact_email")] string ContactEmail,
    [property: JsonPropertyName("client_uri")] string? ClientUri,
    [property: JsonPropertyName("logo_uri")] string? LogoUri,
    [property: JsonPropertyName("policy_uri")] string? PolicyUri,
    [property: JsonPropertyName("tos_uri")] string? TosUri,
    [property: JsonPropertyName("redirect_uris")] IReadOnlyList<string> RedirectUris,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("token_endpoint_auth_method")] string TokenEndpointAuthMethod,
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("pending_changes")] AppChangesJson? PendingChanges,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt)
{
    public static AppJson From(DeveloperApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new(app.Id, app.Name, app.Description, app.Status, app.StatusMessage, app.Subject, app.ContactEmail,
            app.HomepageUrl, app.LogoUrl, app.PrivacyUrl, app.TermsUrl, AppLines.Split(app.RedirectUris), app.Scopes, app.AuthMethod, app.ClientId,
            app.PendingRedirectUris is null && app.PendingScopes is null ? null
                : new AppChangesJson(AppLines.Split(app.PendingRedirectUris ?? app.RedirectUris), app.PendingScopes ?? app.Scopes),
            app.CreatedAt, app.UpdatedAt);
    }

    public static AppEventJson From(DeveloperAppEvent entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Id, entry.At, entry.Actor, entry.Action, entry.Message);
    }
}

/// <summary>What an approved app's edit asks for beyond what was approved, awaiting review.</summary>
public sealed record AppChangesJson(
    [property: JsonPropertyName("redirect_uris")] IReadOnlyList<string> RedirectUris,
    [property: JsonPropertyName("scope")] string Scope);

public sealed record AppEventJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("message")] string? Message);
