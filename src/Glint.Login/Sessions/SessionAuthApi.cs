using System.Text.Json;
using Glint.Auth.SessionTokens;
using Glint.Data.Network;
using Glint.Login.Codes;
using Glint.Login.Phones;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Glint.Login.Sessions;

/// <summary>
/// Blink's REST login for first-party apps, which get a session token instead of an OAuth token:
/// <c>POST /auth/email/code</c>, <c>/auth/email/login</c>, <c>/auth/phone/code</c>, <c>/auth/phone/login</c> and
/// <c>/auth/totp/validate</c>, with JSON or form bodies and Blink's status codes. The same codes, limits and TOTP rules
/// as the login pages. Blink's captcha fields on <c>/auth/phone/code</c> are accepted and ignored: Glint has no captcha,
/// its per-number and per-address limits stand in.
/// </summary>
public static class SessionAuthApi
{
    public static IEndpointRouteBuilder MapSessionAuthApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/auth").DisableAntiforgery();
        auth.MapPost("/email/code", RequestCodeAsync);
        auth.MapPost("/email/login", LoginAsync);
        auth.MapPost("/phone/code", RequestPhoneCodeAsync);
        auth.MapPost("/phone/login", PhoneLoginAsync);
        auth.MapPost("/totp/validate", ValidateTotpAsync);
        return routes;
    }

    private static async Task<IResult> RequestCodeAsync(HttpContext http, EmailLogin login)
    {
        var (body, invalid) = await ReadAsync(http);
        if (invalid is not null)
        {
            return invalid;
        }

        if (EmailLogin.NormalizeEmail(body?.GetValueOrDefault("email")) is not { } email)
        {
            return Error(StatusCodes.Status422UnprocessableEntity, "invalid email");
        }

        return await login.SendCodeAsync(email, null, Ip(http), http.RequestAborted) switch
        {
            LoginOutcome.CodeSent sent => Results.Json(new { result = sent.AttemptId }),
            LoginOutcome.Refused refused => Error(StatusCodes.Status400BadRequest, refused.Message),
            _ => throw new InvalidOperationException("Sending a code has no other outcome."),
        };
    }

    private static async Task<IResult> LoginAsync(HttpContext http, EmailLogin login, SessionTokenStore sessions)
    {
        var (body, invalid) = await ReadAsync(http);
        if (invalid is not null)
        {
            return invalid;
        }

        if (body?.GetValueOrDefault("emailLoginId") is not { Length: > 0 } attempt || body.GetValueOrDefault("code") is not { Length: > 0 } code)
        {
            return Error(StatusCodes.Status422UnprocessableEntity, "missing input");
        }

        var outcome = await login.CheckCodeAsync(attempt, null, code, Ip(http), http.RequestAborted);
        return outcome is LoginOutcome.Refused refused
            ? Refusal(refused)
            : Results.Json(new { result = await SessionAsync(http, login, sessions, outcome) });
    }

    private static async Task<IResult> RequestPhoneCodeAsync(HttpContext http, EmailLogin login)
    {
        var (body, invalid) = await ReadAsync(http);
        if (invalid is not null)
        {
            return invalid;
        }

        if (body?.GetValueOrDefault("phone") is not { Length: > 0 } input)
        {
            return Error(StatusCodes.Status400BadRequest, "missing inputs");
        }

        if (E164.Normalize(input) is not { } phone)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid phone");
        }

        if (body.GetValueOrDefault("channel") is { Length: > 0 } channel && !channel.Equals("sms", StringComparison.OrdinalIgnoreCase))
        {
            return Error(StatusCodes.Status400BadRequest, $"channel must be sms: codes are sent by text message only, not by {channel}");
        }

        return await login.SendCodeAsync(phone, null, Ip(http), http.RequestAborted) switch
        {
            LoginOutcome.CodeSent => Results.Json(new { success = true }),
            LoginOutcome.Refused refused => Error(StatusCodes.Status400BadRequest, refused.Message),
            _ => throw new InvalidOperationException("Sending a code has no other outcome."),
        };
    }

    /// <summary>Blink answers the phone login with the session at the top level, not under <c>result</c> as the email login.</summary>
    private static async Task<IResult> PhoneLoginAsync(HttpContext http, EmailLogin login, SessionTokenStore sessions)
    {
        var (body, invalid) = await ReadAsync(http);
        if (invalid is not null)
        {
            return invalid;
        }

        if (body?.GetValueOrDefault("phone") is not { Length: > 0 } input || body.GetValueOrDefault("code") is not { Length: > 0 } code)
        {
            return Error(StatusCodes.Status400BadRequest, "missing inputs");
        }

        if (E164.Normalize(input) is not { } phone)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid phone");
        }

        var outcome = await login.CheckLatestCodeAsync(phone, null, code, Ip(http), http.RequestAborted);
        return outcome is LoginOutcome.Refused refused
            ? Refusal(refused)
            : Results.Json(await SessionAsync(http, login, sessions, outcome));
    }

    /// <summary>
    /// The session a passed code opens. With TOTP enrolled, Blink's answer: a token that works only once TOTP passes,
    /// and no user id yet.
    /// </summary>
    private static async Task<object> SessionAsync(HttpContext http, EmailLogin login, SessionTokenStore sessions, LoginOutcome outcome) => outcome switch
    {
        LoginOutcome.LoggedIn loggedIn => new { authToken = await sessions.IssueAsync(loggedIn.User.Id, null, http.RequestAborted), totpRequired = false, id = (Guid?)loggedIn.User.Id },
        LoginOutcome.TotpRequired totp => new { authToken = await TotpPendingTokenAsync(http, login, sessions, totp), totpRequired = true, id = (Guid?)null },
        _ => throw new InvalidOperationException("Checking a code has no other outcome."),
    };

    private static async Task<IResult> ValidateTotpAsync(HttpContext http, EmailLogin login, SessionTokenStore sessions)
    {
        var (body, invalid) = await ReadAsync(http);
        if (invalid is not null)
        {
            return invalid;
        }

        if (body?.GetValueOrDefault("totpCode") is not { Length: > 0 } code || body.GetValueOrDefault("authToken") is not { Length: > 0 } token)
        {
            return Error(StatusCodes.Status422UnprocessableEntity, "missing input");
        }

        if (await sessions.FindAsync(token, http.RequestAborted) is not { PendingAttemptId: { } attempt } session)
        {
            return Error(StatusCodes.Status401Unauthorized, "invalid token");
        }

        switch (await login.CheckTotpAsync(attempt, null, code, Ip(http), http.RequestAborted))
        {
            case LoginOutcome.LoggedIn:
                await sessions.ActivateAsync(session, http.RequestAborted);
                return Results.Ok();
            case LoginOutcome.Refused refused:
                return Refusal(refused);
            default:
                throw new InvalidOperationException("Checking a TOTP code has no other outcome.");
        }
    }

    private static async Task<string> TotpPendingTokenAsync(HttpContext http, EmailLogin login, SessionTokenStore sessions, LoginOutcome.TotpRequired totp)
    {
        var userId = await login.UserOfAsync(totp.AttemptId, http.RequestAborted);
        return await sessions.IssueAsync(userId, totp.AttemptId, http.RequestAborted);
    }

    private static IResult Refusal(LoginOutcome.Refused refused) =>
        ReferenceEquals(refused, LoginOutcome.RateLimited) ? Error(StatusCodes.Status429TooManyRequests, "too many requests")
        : refused.StartOver ? Error(StatusCodes.Status400BadRequest, refused.Message)
        : Error(StatusCodes.Status401Unauthorized, "invalid code");

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    private static string Ip(HttpContext http) => ClientAddress.LimitKey(http.Connection.RemoteIpAddress);

    /// <summary>The fields these endpoints read; a control character in one is refused (PostgreSQL cannot even store a NUL).</summary>
    private static readonly string[] Fields = ["email", "emailLoginId", "code", "totpCode", "authToken", "phone", "channel"];

    /// <summary>The body's string fields, from JSON or a form; null when it is neither. Forms were read and checked by the host already.</summary>
    private static async Task<(Dictionary<string, string?>? Fields, IResult? Error)> ReadAsync(HttpContext http)
    {
        Dictionary<string, string?>? fields;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            fields = form.ToDictionary(pair => pair.Key, pair => (string?)pair.Value.ToString());
        }
        else
        {
            try
            {
                using var json = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                fields = null;
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    fields = [];
                    foreach (var member in json.RootElement.EnumerateObject())
                    {
                        // A field given twice is refused rather than one of them picked: which email or code was meant is unknowable.
                        if (!fields.TryAdd(member.Name, member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null))
                        {
                            return (null, Error(StatusCodes.Status400BadRequest, $"{member.Name} must be given once"));
                        }
                    }
                }
            }
            catch (Exception exception) when (exception is JsonException or InvalidOperationException)
            {
                // Not JSON, or a string that is not UTF-8 (found only when it is read).
                fields = null;
            }
        }

        foreach (var name in Fields)
        {
            if (fields?.GetValueOrDefault(name) is { } value && value.Any(char.IsControl))
            {
                return (null, Error(StatusCodes.Status400BadRequest, $"{name} must not contain control characters"));
            }
        }

        return (fields, null);
    }
}
