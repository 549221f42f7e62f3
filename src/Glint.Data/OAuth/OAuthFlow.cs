namespace Glint.Data.OAuth;

/// <summary>Where an authorization request stands between the authorization endpoint and the login and consent apps.</summary>
public enum OAuthFlowState
{
    LoginRequested = 1,
    LoginAccepted = 2,
    LoginRejected = 3,
    ConsentRequested = 4,
    ConsentAccepted = 5,
    ConsentRejected = 6,
    ConsentUsed = 7,
    LoginRejectedUsed = 8,
    ConsentRejectedUsed = 9,
}

/// <summary>
/// One authorization request's way through login and consent, as Hydra's flow. The indexed columns are what the
/// endpoints look flows up by; <see cref="Document"/> holds the request and the login and consent apps' answers.
/// Challenges are identifiers the login and consent apps pass back on the admin port; verifiers travel through the
/// browser and are stored only as hashes.
/// </summary>
public sealed class OAuthFlow
{
    /// <summary>The login challenge.</summary>
    public required string Id { get; set; }

    public string? ConsentChallenge { get; set; }

    public string? LoginVerifierHash { get; set; }

    public string? ConsentVerifierHash { get; set; }

    public required string ClientId { get; set; }

    public string? Subject { get; set; }

    public required string SessionId { get; set; }

    public OAuthFlowState State { get; set; }

    /// <summary>A consent given with <c>remember</c> that later requests may skip to; cleared when revoked.</summary>
    public bool ConsentRemembered { get; set; }

    /// <summary>The OpenIddict authorization the tokens of this flow hang from, so revoking the consent revokes them.</summary>
    public string? AuthorizationId { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public string Document { get; set; } = "{}";

    /// <summary>Optimistic concurrency: two browsers redeeming one verifier cannot both win.</summary>
    public Guid Version { get; set; }
}

/// <summary>A user's authenticated browser session at the authorization server (Hydra's login session, the <c>sid</c>).</summary>
public sealed class LoginSession
{
    public required string Id { get; set; }

    public required string Subject { get; set; }

    public DateTimeOffset AuthenticatedAt { get; set; }

    public bool Remember { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }
}
