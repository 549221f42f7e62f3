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
/// The stored redemption of one authorization request's flow. The flow itself travels sealed in its challenges and
/// verifiers and is never stored; this row is written when its login verifier is redeemed and updated when its consent
/// verifier is, so each verifier redeems once. A given consent keeps <see cref="Document"/> (the request and the login
/// and consent apps' answers) for the consent listing, consent skip and the tokens' claims.
/// </summary>
public sealed class OAuthFlow
{
    /// <summary>The flow's id, carried in its sealed challenges and verifiers.</summary>
    public required string Id { get; set; }

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
