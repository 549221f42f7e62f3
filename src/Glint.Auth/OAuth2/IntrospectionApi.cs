using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>
/// <c>POST /admin/oauth2/introspect</c> on the admin port, in Hydra's shape: no client authentication (the admin
/// port is protected by the network), 200 <c>{"active":false}</c> for anything not usable, and an empty
/// <c>scope</c> parameter meaning no requirement. The token itself is validated by OpenIddict's own pipeline.
/// </summary>
public static class IntrospectionApi
{
    public const string Path = "/admin/oauth2/introspect";

    public static IEndpointRouteBuilder MapIntrospectionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, IntrospectAsync).DisableAntiforgery();
        return routes;
    }

    private static async Task<IResult> IntrospectAsync(
        HttpContext http, AccessTokens tokens, AuthSettings settings)
    {
        if (!http.Request.HasFormContentType)
        {
            return OAuthErrors.Json(StatusCodes.Status400BadRequest, Errors.InvalidRequest,
                "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. The POST body can not be empty.");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return OAuthErrors.Json(StatusCodes.Status400BadRequest, Errors.InvalidRequest,
                "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. Unable to parse HTTP body.");
        }

        if (form.Count == 0)
        {
            return OAuthErrors.Json(StatusCodes.Status400BadRequest, Errors.InvalidRequest,
                "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. The POST body can not be empty.");
        }

        var token = form[Parameters.Token].ToString();
        var valid = string.IsNullOrEmpty(token) ? null : await tokens.ValidateAnyAsync(token, form[Parameters.TokenTypeHint].ToString(), http.RequestAborted);
        if (valid is null || !HasScopes(valid, ScopeStrategy.Split(form[Parameters.Scope].ToString())))
        {
            return Inactive;
        }

        return OAuthErrors.NoStore(Results.Json(Describe(valid, settings), contentType: "application/json;charset=UTF-8"), http);
    }

    private static bool HasScopes(ValidToken token, string[] required) =>
        required.Length == 0 || required.All(scope => ScopeStrategy.Allows(token.Scopes, scope));

    private static IntrospectedToken Describe(ValidToken token, AuthSettings settings) => new()
    {
        Scope = token.Scopes.IsDefaultOrEmpty ? null : string.Join(' ', token.Scopes),
        ClientId = token.ClientId,
        Subject = token.Subject,
        ExpiresAt = token.ExpiresAt?.ToUnixTimeSeconds(),
        IssuedAt = token.IssuedAt?.ToUnixTimeSeconds(),
        NotBefore = token.IssuedAt?.ToUnixTimeSeconds(),
        Audience = token.Audiences.IsDefault ? [] : [.. token.Audiences],
        Issuer = settings.IssuerIdentifier,
        TokenUse = token.IsRefreshToken ? TokenTypeHints.RefreshToken : TokenTypeHints.AccessToken,
        TokenType = token.DpopThumbprint is null ? "Bearer" : Dpop.DpopProofs.Scheme,
        Confirmation = token.DpopThumbprint is { } thumbprint
            ? new Dictionary<string, string> { [GlintServerHandlers.Dpop.ThumbprintMember] = thumbprint }
            : null,
        Extra = token.Extra is { Length: > 0 } extra ? System.Text.Json.Nodes.JsonNode.Parse(extra) : null,
    };

    private static readonly IResult Inactive = Results.Json(new { active = false }, contentType: "application/json;charset=UTF-8");

    /// <summary>Hydra's introspection response (<c>introspectedOAuth2Token</c>).</summary>
    private sealed class IntrospectedToken
    {
        [JsonPropertyName("active")] public bool Active { get; } = true;
        [JsonPropertyName("scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Scope { get; init; }
        [JsonPropertyName("client_id")] public string? ClientId { get; init; }
        [JsonPropertyName("sub")] public string? Subject { get; init; }
        [JsonPropertyName("exp")] public long? ExpiresAt { get; init; }
        [JsonPropertyName("iat")] public long? IssuedAt { get; init; }
        [JsonPropertyName("nbf")] public long? NotBefore { get; init; }
        [JsonPropertyName("aud")] public required string[] Audience { get; init; }
        [JsonPropertyName("iss")] public required string Issuer { get; init; }
        [JsonPropertyName("token_type")] public string TokenType { get; init; } = "Bearer";
        [JsonPropertyName("token_use")] public required string TokenUse { get; init; }

        /// <summary>The key a DPoP-bound token is bound to (RFC 9449 §6.2).</summary>
        [JsonPropertyName("cnf"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Confirmation { get; init; }
        [JsonPropertyName("ext"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public System.Text.Json.Nodes.JsonNode? Extra { get; init; }
    }
}
