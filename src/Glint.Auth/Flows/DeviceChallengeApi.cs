using System.Text.Json.Nodes;
using Glint.Auth.FlowStorage;
using Glint.Auth.OAuth2;
using Glint.Auth.Revocation;
using Glint.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.Flows;

/// <summary>
/// The device challenge, as Hydra 2.3 has it, for a device verification page of the operator's own
/// (<c>urls.device.verification</c>): the verification endpoint sends the browser there with a
/// <c>device_challenge</c>; the page asks the user for the code and answers on the admin port
/// (<c>PUT /admin/oauth2/auth/requests/device/accept</c> with <c>{"user_code"}</c>); the browser follows
/// <c>redirect_to</c> back to the verification endpoint with a <c>device_verifier</c>, and the usual login and consent
/// run. Like the login and consent challenges, the challenge and the verifier are sealed flows, not rows; a challenge is
/// spent by its accepted user code. Without the setting the built-in <c>/device</c> page serves the flow.
/// </summary>
public static class DeviceChallengeApi
{
    public const string AdminPath = "/admin/oauth2/auth/requests/device";
    public const string Challenge = "device_challenge";
    public const string Verifier = "device_verifier";

    /// <summary>The spent challenge's row in <c>oauth2_tokens</c> (a hashed reference, as client assertion ids are kept).</summary>
    private const string SpentType = "urn:glint:device_challenge";

    public static IEndpointRouteBuilder MapDeviceChallengeAdminApi(this IEndpointRouteBuilder routes)
    {
        var device = routes.MapGroup(AdminPath).DisableAntiforgery();
        device.MapMethods("", GetAndHead.Methods, GetAsync);
        device.MapPut("/accept", AcceptAsync);
        return routes;
    }

    /// <summary>
    /// Sends the browser to the operator's device verification page with a new challenge (and the user code of
    /// <c>verification_uri_complete</c>, to prefill: the page still asks the user, RFC 8628 §5.4).
    /// </summary>
    public static IResult SendToVerificationPage(HttpContext http, FlowSealer sealer, AuthSettings settings, TimeProvider time, string? userCode)
    {
        var page = settings.DeviceVerificationUrl ?? throw new InvalidOperationException("No device verification page is configured.");
        var flow = new Flow
        {
            Id = FlowSecrets.New(),
            RequestedAt = time.GetUtcNow(),
            State = FlowState.DeviceInitialized,
            DeviceIp = DeviceCodeGuesses.Ip(http),
            Document = new FlowDocument { RequestUrl = VerificationUri(settings) },
        };
        var query = new Dictionary<string, string?> { [Challenge] = sealer.Seal(flow, FlowPurpose.DeviceChallenge) };
        if (GlintServerHandlers.DeviceCodes.Normalise(userCode) is { } prefill)
        {
            query[Parameters.UserCode] = prefill;
        }

        return Results.Redirect(QueryHelpers.AddQueryString(page.AbsoluteUri, query));
    }

    /// <summary>The user code a device verifier carries, or null for a value that is not a live verifier.</summary>
    public static string? UserCodeOf(FlowSealer sealer, AuthSettings settings, TimeProvider time, string? verifier) =>
        sealer.Unseal(verifier, FlowPurpose.DeviceVerifier) is { } flow && !flow.Expired(settings.FlowLifetime, time.GetUtcNow())
            ? flow.DeviceUserCode
            : null;

    public static string VerificationUri(AuthSettings settings) =>
        new Uri(settings.PublicBase, GlintServerHandlers.DeviceCodes.VerificationPath.TrimStart('/')).AbsoluteUri;

    private static async Task<IResult> GetAsync(HttpContext http, GlintDbContext db, FlowSealer sealer, AuthSettings settings, TimeProvider time)
    {
        var (challenge, flow, error) = await FindAsync(http, db, sealer, settings, time);
        if (flow is null)
        {
            return error!;
        }

        // Before the user code is typed, the challenge knows no client nor scopes: they come with the code.
        return Results.Json(new JsonObject
        {
            ["challenge"] = challenge,
            ["request_url"] = flow.Document.RequestUrl,
            ["requested_scope"] = new JsonArray(),
            ["requested_access_token_audience"] = new JsonArray(),
            ["client"] = null,
            ["handled_at"] = null,
        }, HydraJson.Options, "application/json; charset=utf-8");
    }

    private static async Task<IResult> AcceptAsync(
        HttpContext http, GlintDbContext db, FlowSealer sealer, DeviceCodeGuesses guesses, AuthSettings settings, TimeProvider time)
    {
        // As Hydra: the challenge parameter, then the body, then the challenge itself.
        if (http.Request.Query[Challenge].ToString().Length == 0)
        {
            return HydraError.InvalidRequest($"Query parameter '{Challenge}' is not defined but should have been.");
        }

        var (body, bodyError) = await HydraJsonBody.ReadAsync<AcceptDeviceUserCode>(http.Request);
        if (body is null)
        {
            return bodyError!;
        }

        var (_, flow, error) = await FindAsync(http, db, sealer, settings, time);
        if (flow is null)
        {
            return error!;
        }

        if (string.IsNullOrEmpty(body.UserCode))
        {
            return HydraError.InvalidRequest("Field 'user_code' must not be empty.");
        }

        // Wrong codes count against the browser that asked for the challenge, as on the built-in page (RFC 8628 §5.1).
        var ip = flow.DeviceIp ?? "";
        if (!await guesses.MayGuessAsync(ip, http.RequestAborted))
        {
            return HydraError.Result(StatusCodes.Status429TooManyRequests, "temporarily_unavailable",
                "Too many wrong user codes were entered for this browser: try again later.");
        }

        var userCode = GlintServerHandlers.DeviceCodes.Normalise(body.UserCode);
        var clientId = userCode is null ? null : await LiveUserCodeClientAsync(db, userCode, time, http.RequestAborted);
        if (userCode is null || clientId is null)
        {
            await guesses.RecordWrongGuessAsync(ip, http.RequestAborted);
            return HydraError.InvalidRequest("The 'user_code' session could not be found or has expired or is otherwise malformed.");
        }

        if (!await SpendAsync(db, flow, settings, http.RequestAborted))
        {
            return Used(flow);
        }

        var verifier = sealer.Seal(new Flow
        {
            Id = flow.Id,
            ClientId = clientId,
            RequestedAt = flow.RequestedAt,
            State = FlowState.DeviceAccepted,
            DeviceUserCode = userCode,
            Document = flow.Document,
        }, FlowPurpose.DeviceVerifier)!;
        var redirectTo = QueryHelpers.AddQueryString(flow.Document.RequestUrl, new Dictionary<string, string?>
        {
            [Verifier] = verifier,
            [Parameters.ClientId] = clientId,
        });
        return Results.Json(new JsonObject { ["redirect_to"] = redirectTo }, HydraJson.Options, "application/json; charset=utf-8");
    }

    /// <summary>Hydra's answers: 400 without a challenge, 404 for one this server did not seal, 401 once expired, 410 once used.</summary>
    private static async Task<(string Challenge, Flow? Flow, IResult? Error)> FindAsync(
        HttpContext http, GlintDbContext db, FlowSealer sealer, AuthSettings settings, TimeProvider time)
    {
        var challenge = http.Request.Query[Challenge].ToString();
        if (challenge.Length == 0)
        {
            return (challenge, null, HydraError.InvalidRequest($"Query parameter '{Challenge}' is not defined but should have been."));
        }

        if (sealer.Unseal(challenge, FlowPurpose.DeviceChallenge) is not { } flow)
        {
            return (challenge, null, HydraError.Result(StatusCodes.Status404NotFound, "Not Found", "Unable to locate the requested resource"));
        }

        var reference = SpentReference(flow);
        if (await db.OAuthTokens.AnyAsync(token => token.ReferenceId == reference, http.RequestAborted))
        {
            return (challenge, null, Used(flow));
        }

        if (flow.Expired(settings.FlowLifetime, time.GetUtcNow()))
        {
            return (challenge, null, HydraError.Result(StatusCodes.Status401Unauthorized, "request_unauthorized",
                "The request could not be authorized. Check that you provided valid credentials in the right format. The device request has expired, please try again."));
        }

        return (challenge, flow, null);
    }

    private static IResult Used(Flow flow) =>
        Results.Json(new JsonObject { ["redirect_to"] = flow.Document.RequestUrl }, statusCode: StatusCodes.Status410Gone);

    /// <summary>The client of a user code that can still be approved, or null.</summary>
    private static async Task<string?> LiveUserCodeClientAsync(GlintDbContext db, string userCode, TimeProvider time, CancellationToken cancellationToken)
    {
        var reference = TokenManager.ObfuscateReference(userCode);
        var entry = await db.OAuthTokens
            .Where(token => token.ReferenceId == reference && token.Type == TokenTypeIdentifiers.Private.UserCode)
            .Select(token => new { token.Status, token.ExpirationDate, ClientId = token.Application!.ClientId })
            .SingleOrDefaultAsync(cancellationToken);
        return entry is { Status: Statuses.Valid } && entry.ExpirationDate > time.GetUtcNow().UtcDateTime ? entry.ClientId : null;
    }

    /// <summary>Marks the challenge used; false when another accept spent it first (the unique reference decides).</summary>
    private static async Task<bool> SpendAsync(GlintDbContext db, Flow flow, AuthSettings settings, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString();
        var concurrency = Guid.NewGuid().ToString();
        var created = flow.RequestedAt.UtcDateTime;
        var expires = (flow.RequestedAt + settings.FlowLifetime).UtcDateTime;
        var reference = SpentReference(flow);
        var status = Statuses.Redeemed;
        var type = SpentType;
        var inserted = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "oauth2_tokens" ("Id", "ConcurrencyToken", "CreationDate", "ExpirationDate", "ReferenceId", "Status", "Type")
            VALUES ({id}, {concurrency}, {created}, {expires}, {reference}, {status}, {type})
            ON CONFLICT ("ReferenceId") DO NOTHING
            """,
            cancellationToken);
        return inserted == 1;
    }

    private static string SpentReference(Flow flow) => TokenManager.ObfuscateReference("device_challenge\0" + flow.Id);

    private sealed class AcceptDeviceUserCode
    {
        [System.Text.Json.Serialization.JsonPropertyName("user_code")] public string? UserCode { get; set; }
    }
}
