using System.Text.Json.Serialization;

namespace Glint.Login.Challenges;

/// <summary>The parts of a client that the pages show (Hydra's <c>oAuth2Client</c>).</summary>
public sealed class ChallengeClientInfo
{
    [JsonPropertyName("client_id")] public string ClientId { get; set; } = "";

    [JsonPropertyName("client_name")] public string? ClientName { get; set; }

    [JsonPropertyName("logo_uri")] public string? LogoUri { get; set; }

    [JsonPropertyName("client_uri")] public string? ClientUri { get; set; }

    [JsonPropertyName("policy_uri")] public string? PolicyUri { get; set; }

    [JsonPropertyName("tos_uri")] public string? TosUri { get; set; }

    [JsonPropertyName("skip_consent")] public bool SkipConsent { get; set; }

    public string DisplayName => string.IsNullOrWhiteSpace(ClientName) ? ClientId : ClientName;
}

/// <summary>Hydra's <c>oAuth2LoginRequest</c>.</summary>
public sealed class LoginRequestInfo
{
    [JsonPropertyName("challenge")] public string Challenge { get; set; } = "";

    [JsonPropertyName("skip")] public bool Skip { get; set; }

    [JsonPropertyName("subject")] public string Subject { get; set; } = "";

    [JsonPropertyName("client")] public ChallengeClientInfo? Client { get; set; }
}

/// <summary>Hydra's <c>oAuth2ConsentRequest</c>.</summary>
public sealed class ConsentRequestInfo
{
    [JsonPropertyName("challenge")] public string Challenge { get; set; } = "";

    [JsonPropertyName("skip")] public bool Skip { get; set; }

    [JsonPropertyName("subject")] public string Subject { get; set; } = "";

    [JsonPropertyName("requested_scope")] public List<string> RequestedScope { get; set; } = [];

    [JsonPropertyName("requested_access_token_audience")] public List<string> RequestedAudience { get; set; } = [];

    [JsonPropertyName("client")] public ChallengeClientInfo? Client { get; set; }
}

/// <summary>Hydra's <c>oAuth2LogoutRequest</c>.</summary>
public sealed class LogoutRequestInfo
{
    [JsonPropertyName("challenge")] public string Challenge { get; set; } = "";

    [JsonPropertyName("subject")] public string Subject { get; set; } = "";

    [JsonPropertyName("client")] public ChallengeClientInfo? Client { get; set; }
}

/// <summary>One entry of Hydra's consent session list: an app the user connected.</summary>
public sealed class ConsentSession
{
    [JsonPropertyName("grant_scope")] public List<string> GrantScope { get; set; } = [];

    [JsonPropertyName("handled_at")] public DateTimeOffset? HandledAt { get; set; }

    [JsonPropertyName("remember")] public bool Remember { get; set; }

    [JsonPropertyName("consent_request")] public ConsentRequestInfo? ConsentRequest { get; set; }
}
