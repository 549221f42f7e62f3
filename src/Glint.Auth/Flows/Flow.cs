using System.Text.Json.Serialization;
using Glint.Auth.FlowStorage;
using Glint.Data.OAuth;

namespace Glint.Auth.Flows;

/// <summary>Where an authorization request stands between the authorization endpoint and the login and consent apps.</summary>
public enum FlowState
{
    /// <summary>Sent to the login app: what a login challenge carries.</summary>
    LoginInitialized = 1,

    /// <summary>The login app's answer, on its way back through the browser: what a login verifier carries.</summary>
    LoginAccepted = 2,
    LoginRejected = 3,

    /// <summary>Sent to the consent app: what a consent challenge carries.</summary>
    ConsentInitialized = 4,

    /// <summary>The consent app's answer, on its way back through the browser: what a consent verifier carries.</summary>
    ConsentAccepted = 5,
    ConsentRejected = 6,

    /// <summary>A device flow sent to the device verification page, before a user code: what a device challenge carries.</summary>
    DeviceInitialized = 7,

    /// <summary>The page's user code, accepted, on its way back through the browser: what a device verifier carries.</summary>
    DeviceAccepted = 8,
}

/// <summary>
/// One authorization request's way through login and consent, as Hydra's flow: it is not stored but travels sealed
/// in the challenges and verifiers (<see cref="FlowSealer"/>), each carrying the state it was made in. The guarded
/// transitions here are the only way from one state to the next; a flow in the wrong state for a step is refused.
/// Only redeeming a verifier writes (<see cref="FlowStore"/>), and that write is what makes each verifier single-use.
/// </summary>
public sealed class Flow
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("client_id")] public string ClientId { get; init; } = "";
    [JsonPropertyName("subject")] public string? Subject { get; set; }
    [JsonPropertyName("session_id")] public string SessionId { get; init; } = "";
    [JsonPropertyName("requested_at")] public DateTimeOffset RequestedAt { get; init; }
    [JsonPropertyName("state")] public FlowState State { get; set; }

    /// <summary>The login challenge this flow was answered through: the consent request names it.</summary>
    [JsonPropertyName("login_challenge")] public string? LoginChallenge { get; set; }

    /// <summary>The version of the flow's stored redemption once its login verifier is redeemed: the consent verifier's redemption must find it unchanged.</summary>
    [JsonPropertyName("redemption")] public Guid? Redemption { get; set; }

    [JsonPropertyName("document")] public FlowDocument Document { get; init; } = new();

    /// <summary>A device flow's browser address: wrong user codes typed for its challenge count against it.</summary>
    [JsonPropertyName("device_ip")] public string? DeviceIp { get; init; }

    /// <summary>A device verifier's accepted user code, normalised.</summary>
    [JsonPropertyName("device_user_code")] public string? DeviceUserCode { get; init; }

    [JsonIgnore] public bool IsLoginAnswer => State is FlowState.LoginAccepted or FlowState.LoginRejected;

    [JsonIgnore] public bool IsConsentAnswer => State is FlowState.ConsentAccepted or FlowState.ConsentRejected;

    /// <summary>The states a sealed value of <paramref name="purpose"/> may carry; anything else was not made by these transitions.</summary>
    public bool Fits(FlowPurpose purpose) => purpose switch
    {
        FlowPurpose.LoginChallenge => State == FlowState.LoginInitialized,
        FlowPurpose.LoginVerifier => IsLoginAnswer,
        FlowPurpose.ConsentChallenge => State == FlowState.ConsentInitialized,
        FlowPurpose.ConsentVerifier => IsConsentAnswer,
        FlowPurpose.DeviceChallenge => State == FlowState.DeviceInitialized,
        FlowPurpose.DeviceVerifier => State == FlowState.DeviceAccepted && DeviceUserCode is { Length: > 0 },
        _ => false,
    };

    public static Flow Start(string clientId, string? subject, string sessionId, DateTimeOffset now, FlowDocument document) => new()
    {
        Id = FlowSecrets.New(),
        ClientId = clientId,
        Subject = subject,
        SessionId = sessionId,
        RequestedAt = now,
        State = FlowState.LoginInitialized,
        Document = document,
    };

    public void AcceptLogin(string challenge, AcceptLoginRequest accept, DateTimeOffset? authenticatedAt)
    {
        Guard(FlowState.LoginInitialized);
        Subject = accept.Subject;
        LoginChallenge = challenge;
        Document.Login = accept;
        Document.Rejection = null;
        Document.AuthenticatedAt = authenticatedAt ?? Document.AuthenticatedAt;
        State = FlowState.LoginAccepted;
    }

    public void RejectLogin(string challenge, RejectRequest rejection)
    {
        Guard(FlowState.LoginInitialized);
        LoginChallenge = challenge;
        Document.Rejection = rejection;
        State = FlowState.LoginRejected;
    }

    /// <summary>The login verifier is redeemed: on to the consent app, with the stored redemption's version.</summary>
    public void StartConsent(bool skip, string csrfHash, DateTimeOffset now, Guid redemption)
    {
        Guard(FlowState.LoginAccepted);
        Document.ConsentSkip = skip;
        Document.ConsentCsrfHash = csrfHash;
        Document.ConsentRequestedAt = now;
        Redemption = redemption;
        State = FlowState.ConsentInitialized;
    }

    public void AcceptConsent(AcceptConsentRequest accept, DateTimeOffset handledAt)
    {
        Guard(FlowState.ConsentInitialized);
        Document.Consent = accept;
        Document.ConsentHandledAt = handledAt;
        Document.Rejection = null;
        if (accept.Context is not null && Document.Login is not null)
        {
            Document.Login.Context = accept.Context;
        }

        State = FlowState.ConsentAccepted;
    }

    public void RejectConsent(RejectRequest rejection)
    {
        Guard(FlowState.ConsentInitialized);
        Document.Rejection = rejection;
        State = FlowState.ConsentRejected;
    }

    public bool Expired(TimeSpan lifetime, DateTimeOffset now) => RequestedAt + lifetime < now;

    /// <summary>
    /// What redeeming this flow's verifier stores: the login answer inserts the flow's row (the accepted one waiting
    /// for consent), the consent answer updates it.
    /// </summary>
    public OAuthFlowState Redeemed() => State switch
    {
        FlowState.LoginAccepted or FlowState.ConsentInitialized => OAuthFlowState.ConsentRequested,
        FlowState.LoginRejected => OAuthFlowState.LoginRejectedUsed,
        FlowState.ConsentAccepted => OAuthFlowState.ConsentUsed,
        FlowState.ConsentRejected => OAuthFlowState.ConsentRejectedUsed,
        _ => throw new InvalidOperationException($"A flow in state {State} has no verifier to redeem."),
    };

    /// <summary>A login challenge is used once its verifier is redeemed: the flow's row exists.</summary>
    public static bool LoginUsed(OAuthFlowState? stored) => stored is not null;

    /// <summary>A consent challenge is used once the consent verifier is redeemed.</summary>
    public static bool ConsentUsed(OAuthFlowState? stored) => stored is { } state && ConsentUsedStates.Contains(state);

    /// <summary>The redemptions' states in which a consent challenge is used (<see cref="ConsentUsed"/>).</summary>
    public static IReadOnlyList<OAuthFlowState> ConsentUsedStates { get; } = [OAuthFlowState.ConsentUsed, OAuthFlowState.ConsentRejectedUsed];

    private void Guard(FlowState expected)
    {
        if (State != expected)
        {
            // Unreachable through the endpoints, which unseal only values fitting their step; a bug if it happens.
            throw new InvalidOperationException($"A flow in state {State} cannot take a step that starts from {expected}.");
        }
    }
}
