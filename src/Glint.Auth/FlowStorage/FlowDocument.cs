using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Glint.Auth.FlowStorage;

/// <summary>What a flow remembers between the authorization endpoint, the login app and the consent app.</summary>
public sealed class FlowDocument
{
    [JsonPropertyName("request_url")] public string RequestUrl { get; set; } = "";
    [JsonPropertyName("requested_scope")] public List<string> RequestedScope { get; set; } = [];
    [JsonPropertyName("requested_access_token_audience")] public List<string> RequestedAudience { get; set; } = [];
    [JsonPropertyName("oidc_context")] public JsonObject OidcContext { get; set; } = [];
    [JsonPropertyName("prompt")] public List<string> Prompt { get; set; } = [];
    [JsonPropertyName("login_skip")] public bool LoginSkip { get; set; }
    [JsonPropertyName("consent_skip")] public bool ConsentSkip { get; set; }
    [JsonPropertyName("login_csrf")] public string? LoginCsrfHash { get; set; }
    [JsonPropertyName("consent_csrf")] public string? ConsentCsrfHash { get; set; }
    [JsonPropertyName("consent_requested_at")] public DateTimeOffset? ConsentRequestedAt { get; set; }
    [JsonPropertyName("login")] public AcceptLoginRequest? Login { get; set; }
    [JsonPropertyName("authenticated_at")] public DateTimeOffset? AuthenticatedAt { get; set; }
    [JsonPropertyName("consent")] public AcceptConsentRequest? Consent { get; set; }
    [JsonPropertyName("consent_handled_at")] public DateTimeOffset? ConsentHandledAt { get; set; }
    [JsonPropertyName("rejection")] public RejectRequest? Rejection { get; set; }

    public static FlowDocument Parse(string json) => JsonSerializer.Deserialize<FlowDocument>(json, HydraJson.Options) ?? new FlowDocument();

    public string Serialize() => JsonSerializer.Serialize(this, HydraJson.Options);
}

/// <summary>Body of <c>PUT /admin/oauth2/auth/requests/login/accept</c> (Hydra's <c>acceptOAuth2LoginRequest</c>).</summary>
public sealed class AcceptLoginRequest
{
    [JsonPropertyName("subject")] public string? Subject { get; set; }
    [JsonPropertyName("remember")] public bool Remember { get; set; }
    [JsonPropertyName("remember_for")] public long RememberFor { get; set; }
    [JsonPropertyName("extend_session_lifespan")] public bool ExtendSessionLifespan { get; set; }
    [JsonPropertyName("acr")] public string? Acr { get; set; }
    [JsonPropertyName("amr")] public List<string>? Amr { get; set; }
    [JsonPropertyName("context")] public JsonNode? Context { get; set; }
    [JsonPropertyName("force_subject_identifier")] public string? ForceSubjectIdentifier { get; set; }
}

/// <summary>Body of <c>PUT /admin/oauth2/auth/requests/consent/accept</c> (Hydra's <c>acceptOAuth2ConsentRequest</c>).</summary>
public sealed class AcceptConsentRequest
{
    [JsonPropertyName("grant_scope")] public List<string>? GrantScope { get; set; }
    [JsonPropertyName("grant_access_token_audience")] public List<string>? GrantAccessTokenAudience { get; set; }
    [JsonPropertyName("remember")] public bool Remember { get; set; }
    [JsonPropertyName("remember_for")] public long RememberFor { get; set; }
    [JsonPropertyName("session")] public ConsentSessionClaims? Session { get; set; }
    [JsonPropertyName("context")] public JsonNode? Context { get; set; }
}

public sealed class ConsentSessionClaims
{
    [JsonPropertyName("access_token")] public JsonObject? AccessToken { get; set; }
    [JsonPropertyName("id_token")] public JsonObject? IdToken { get; set; }
}

/// <summary>Body of the login and consent reject calls (Hydra's <c>rejectOAuth2Request</c>).</summary>
public sealed class RejectRequest
{
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("error_description")] public string? ErrorDescription { get; set; }
    [JsonPropertyName("error_hint")] public string? ErrorHint { get; set; }
    [JsonPropertyName("error_debug")] public string? ErrorDebug { get; set; }
    [JsonPropertyName("status_code")] public int? StatusCode { get; set; }
}
