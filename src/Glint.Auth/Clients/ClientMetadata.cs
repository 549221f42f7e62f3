using System.Text.Json;
using System.Text.Json.Serialization;

namespace Glint.Auth.Clients;

/// <summary>
/// The OAuth2 client as Hydra's admin API shows it. JSON names and types are Hydra's exactly; which fields are
/// always written and which are left out when unset follows Hydra too, because the Terraform provider and the SDKs
/// read them that way (for example <c>jwks</c> must always be an object). Properties are in Hydra's order.
/// </summary>
public sealed class ClientMetadata
{
    [JsonPropertyName("client_id")] public string? ClientId { get; set; }
    [JsonPropertyName("client_name")] public string? ClientName { get; set; }

    [JsonPropertyName("client_secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientSecret { get; set; }

    [JsonPropertyName("redirect_uris")] public List<string>? RedirectUris { get; set; }
    [JsonPropertyName("grant_types")] public List<string>? GrantTypes { get; set; }
    [JsonPropertyName("response_types")] public List<string>? ResponseTypes { get; set; }
    [JsonPropertyName("scope")] public string? Scope { get; set; }
    [JsonPropertyName("audience")] public List<string>? Audience { get; set; }
    [JsonPropertyName("owner")] public string? Owner { get; set; }
    [JsonPropertyName("policy_uri")] public string? PolicyUri { get; set; }
    [JsonPropertyName("allowed_cors_origins")] public List<string>? AllowedCorsOrigins { get; set; }
    [JsonPropertyName("tos_uri")] public string? TosUri { get; set; }
    [JsonPropertyName("client_uri")] public string? ClientUri { get; set; }
    [JsonPropertyName("logo_uri")] public string? LogoUri { get; set; }
    [JsonPropertyName("contacts")] public List<string>? Contacts { get; set; }
    [JsonPropertyName("client_secret_expires_at")] public long ClientSecretExpiresAt { get; set; }
    [JsonPropertyName("subject_type")] public string? SubjectType { get; set; }

    [JsonPropertyName("sector_identifier_uri"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SectorIdentifierUri { get; set; }

    [JsonPropertyName("jwks_uri"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? JwksUri { get; set; }

    [JsonPropertyName("jwks")] public JsonElement? Jwks { get; set; }

    [JsonPropertyName("token_endpoint_auth_method"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TokenEndpointAuthMethod { get; set; }

    [JsonPropertyName("token_endpoint_auth_signing_alg"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TokenEndpointAuthSigningAlg { get; set; }

    [JsonPropertyName("request_uris"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? RequestUris { get; set; }

    [JsonPropertyName("request_object_signing_alg"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RequestObjectSigningAlg { get; set; }

    [JsonPropertyName("userinfo_signed_response_alg")] public string? UserinfoSignedResponseAlg { get; set; }

    [JsonPropertyName("created_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? CreatedAt { get; set; }

    [JsonPropertyName("updated_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? UpdatedAt { get; set; }

    [JsonPropertyName("frontchannel_logout_uri"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FrontchannelLogoutUri { get; set; }

    [JsonPropertyName("frontchannel_logout_session_required"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool FrontchannelLogoutSessionRequired { get; set; }

    [JsonPropertyName("post_logout_redirect_uris"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? PostLogoutRedirectUris { get; set; }

    [JsonPropertyName("backchannel_logout_uri"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BackchannelLogoutUri { get; set; }

    [JsonPropertyName("backchannel_logout_session_required"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool BackchannelLogoutSessionRequired { get; set; }

    /// <summary>RFC 9126's client metadata: this client's authorization requests must be pushed first. Shown only when set.</summary>
    [JsonPropertyName("require_pushed_authorization_requests"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool RequirePushedAuthorizationRequests { get; set; }

    /// <summary>
    /// RFC 9449 §5.2's client metadata, which Hydra's client has not: this client's tokens are always DPoP-bound, so a
    /// token request without a DPoP proof is refused. Shown only when set.
    /// </summary>
    [JsonPropertyName("dpop_bound_access_tokens"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool DpopBoundAccessTokens { get; set; }

    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; set; }

    [JsonPropertyName("access_token_strategy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AccessTokenStrategy { get; set; }

    [JsonPropertyName("skip_consent")] public bool SkipConsent { get; set; }
    [JsonPropertyName("skip_logout_consent")] public bool? SkipLogoutConsent { get; set; }

    [JsonPropertyName("authorization_code_grant_access_token_lifespan")] public string? AuthorizationCodeGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("authorization_code_grant_id_token_lifespan")] public string? AuthorizationCodeGrantIdTokenLifespan { get; set; }
    [JsonPropertyName("authorization_code_grant_refresh_token_lifespan")] public string? AuthorizationCodeGrantRefreshTokenLifespan { get; set; }
    [JsonPropertyName("client_credentials_grant_access_token_lifespan")] public string? ClientCredentialsGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("implicit_grant_access_token_lifespan")] public string? ImplicitGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("implicit_grant_id_token_lifespan")] public string? ImplicitGrantIdTokenLifespan { get; set; }
    [JsonPropertyName("jwt_bearer_grant_access_token_lifespan")] public string? JwtBearerGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("refresh_token_grant_id_token_lifespan")] public string? RefreshTokenGrantIdTokenLifespan { get; set; }
    [JsonPropertyName("refresh_token_grant_access_token_lifespan")] public string? RefreshTokenGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("refresh_token_grant_refresh_token_lifespan")] public string? RefreshTokenGrantRefreshTokenLifespan { get; set; }

    // Hydra 2.3's device grant lifespans, written only when set so a client without them keeps Hydra 2.2's shape.
    [JsonPropertyName("device_authorization_grant_access_token_lifespan"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceAuthorizationGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("device_authorization_grant_id_token_lifespan"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceAuthorizationGrantIdTokenLifespan { get; set; }
    [JsonPropertyName("device_authorization_grant_refresh_token_lifespan"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceAuthorizationGrantRefreshTokenLifespan { get; set; }

    public const string AuthMethodNone = "none";

    /// <summary>True when the client authenticates with no secret (a public client).</summary>
    [JsonIgnore]
    public bool IsPublic => TokenEndpointAuthMethod == AuthMethodNone;

    /// <summary>Hydra's runtime default when no grant type was registered; never written back to the stored client.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> EffectiveGrantTypes => GrantTypes is { Count: > 0 } ? GrantTypes : ["authorization_code"];

    [JsonIgnore]
    public IReadOnlyList<string> EffectiveResponseTypes => ResponseTypes is { Count: > 0 } ? ResponseTypes : ["code"];

    [JsonIgnore]
    public bool UsesJwtAccessTokens => AccessTokenStrategy == "jwt";

    /// <summary>The operator suspended the client's app: it gets no tokens (from the row, never from the wire).</summary>
    [JsonIgnore]
    public bool Suspended { get; set; }
}
