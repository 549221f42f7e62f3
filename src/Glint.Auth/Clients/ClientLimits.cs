using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth.Clients;

/// <summary>
/// Bounds on a client document, so that the admin API cannot store what no client needs and every node must then
/// load, cache and send (a 10 MB name, 100,000 scopes). Hydra has none; these are far above what real clients use.
/// No string may hold a control character: none means anything in a name or URI, and PostgreSQL cannot store a NUL.
/// </summary>
public static class ClientLimits
{
    /// <summary>The width of the client id column (Hydra's is 255).</summary>
    public const int IdLength = 100;

    /// <summary>The width of the owner column.</summary>
    public const int OwnerLength = 400;
    public const int TextLength = 1024;
    public const int UriLength = 2048;
    public const int ListCount = 256;
    public const int ScopeLength = 8192;
    public const int ScopeCount = 256;
    public const int ContactCount = 64;
    public const int GrantOrResponseTypeCount = 16;
    public const int JsonDocumentBytes = 64 * 1024;

    /// <summary>How deep free-form JSON may nest: the admin API's one rule for it (<see cref="HydraJsonBody.FreeFormDepth"/>).</summary>
    public const int JsonDocumentDepth = HydraJsonBody.FreeFormDepth;

    /// <summary>Longer than any token lifespan Glint would issue; far enough from DateTimeOffset's range never to overflow it.</summary>
    public static readonly TimeSpan MaxLifespan = TimeSpan.FromDays(3650);

    /// <summary>Returns Hydra's <c>invalid_client_metadata</c> error for the first bound <paramref name="client"/> breaks, or null.</summary>
    public static IResult? Check(ClientMetadata client)
    {
        var problem = Text("client_id", client.ClientId, IdLength)
            ?? Addressable(client.ClientId)
            ?? Text("client_name", client.ClientName, TextLength)
            ?? Text("client_secret", client.ClientSecret, TextLength)
            ?? Text("owner", client.Owner, OwnerLength)
            ?? Scope(client.Scope)
            ?? Text("policy_uri", client.PolicyUri, UriLength)
            ?? Text("tos_uri", client.TosUri, UriLength)
            ?? Text("client_uri", client.ClientUri, UriLength)
            ?? Text("logo_uri", client.LogoUri, UriLength)
            ?? Text("jwks_uri", client.JwksUri, UriLength)
            ?? Text("sector_identifier_uri", client.SectorIdentifierUri, UriLength)
            ?? Text("frontchannel_logout_uri", client.FrontchannelLogoutUri, UriLength)
            ?? Text("backchannel_logout_uri", client.BackchannelLogoutUri, UriLength)
            ?? Text("token_endpoint_auth_method", client.TokenEndpointAuthMethod, TextLength)
            ?? Text("token_endpoint_auth_signing_alg", client.TokenEndpointAuthSigningAlg, TextLength)
            ?? Text("request_object_signing_alg", client.RequestObjectSigningAlg, TextLength)
            ?? Text("userinfo_signed_response_alg", client.UserinfoSignedResponseAlg, TextLength)
            ?? Text("subject_type", client.SubjectType, TextLength)
            ?? Text("access_token_strategy", client.AccessTokenStrategy, TextLength)
            ?? List("redirect_uris", client.RedirectUris, ListCount, UriLength)
            ?? List("post_logout_redirect_uris", client.PostLogoutRedirectUris, ListCount, UriLength)
            ?? List("request_uris", client.RequestUris, ListCount, UriLength)
            ?? List("allowed_cors_origins", client.AllowedCorsOrigins, ListCount, UriLength)
            ?? List("audience", client.Audience, ListCount, UriLength)
            ?? List("contacts", client.Contacts, ContactCount, TextLength)
            ?? List("grant_types", client.GrantTypes, GrantOrResponseTypeCount, TextLength)
            ?? List("response_types", client.ResponseTypes, GrantOrResponseTypeCount, TextLength)
            ?? Document("metadata", client.Metadata)
            ?? Document("jwks", client.Jwks);
        return problem is null ? null : HydraError.InvalidClientMetadata(problem);
    }

    /// <summary>
    /// Whether a client id a request names could belong to a stored client. One that could not (a NUL, which
    /// PostgreSQL refuses even to compare, or more than the column holds) is no client, without asking the database.
    /// </summary>
    public static bool CouldBeStoredId(string clientId) => clientId.Length <= IdLength && !HasControlCharacter(clientId);

    /// <summary>A lifespan Glint can apply: zero or positive, and at most <see cref="MaxLifespan"/>.</summary>
    public static string? Lifespan(string field, TimeSpan lifespan) =>
        lifespan < TimeSpan.Zero || lifespan > MaxLifespan
            ? $"Field {field} must be a duration between 0s and {GoDuration.Format(MaxLifespan)}."
            : null;

    /// <summary>
    /// A client id is a path segment of the admin API: one with a slash, or a dot segment, could be created but never
    /// read, changed or deleted (HTTP clients resolve dot segments, and a slash escaped as %2F reaches no route).
    /// </summary>
    private static string? Addressable(string? clientId) =>
        clientId is not null && (clientId.Contains('/', StringComparison.Ordinal) || clientId is "." or "..")
            ? "Field client_id must not contain '/' and must not be '.' or '..'."
            : null;

    private static string? Text(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            return $"Field {field} must be at most {maxLength} characters long.";
        }

        return HasControlCharacter(value) ? $"Field {field} must not contain control characters." : null;
    }

    private static string? List(string field, List<string>? values, int maxCount, int maxLength)
    {
        if (values is null)
        {
            return null;
        }

        if (values.Count > maxCount)
        {
            return $"Field {field} must have at most {maxCount} entries.";
        }

        foreach (var value in values)
        {
            if (value is null)
            {
                return $"Field {field} must contain strings, not null.";
            }

            if (value.Length > maxLength)
            {
                return $"Each entry of field {field} must be at most {maxLength} characters long.";
            }

            if (HasControlCharacter(value))
            {
                return $"Entries of field {field} must not contain control characters.";
            }
        }

        return null;
    }

    private static string? Scope(string? scope)
    {
        if (scope is null)
        {
            return null;
        }

        if (scope.Length > ScopeLength)
        {
            return $"Field scope must be at most {ScopeLength} characters long.";
        }

        if (scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > ScopeCount)
        {
            return $"Field scope must list at most {ScopeCount} scopes.";
        }

        return HasControlCharacter(scope) ? "Field scope must not contain control characters." : null;
    }

    /// <summary>Free-form JSON (metadata, keys) may hold line breaks in its strings, but not a NUL, and only so much.</summary>
    private static string? Document(string field, JsonElement? value)
    {
        if (value is not { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } document)
        {
            return null;
        }

        var text = document.GetRawText();
        if (System.Text.Encoding.UTF8.GetByteCount(text) > JsonDocumentBytes)
        {
            return $"Field {field} must be at most {JsonDocumentBytes} bytes of JSON.";
        }

        if (text.Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
        {
            return $"Field {field} must not contain NUL characters.";
        }

        return HydraJsonBody.Depth(document) > JsonDocumentDepth ? $"Field {field} must nest at most {JsonDocumentDepth} levels deep." : null;
    }

    private static bool HasControlCharacter(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
