using System.Collections.Immutable;
using OpenIddict.Server;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Glint's additions to OpenIddict's server pipeline: where Hydra's observable behaviour differs from OpenIddict's
/// default, a small handler here makes it Hydra's. One file per endpoint.
/// </summary>
public static partial class GlintServerHandlers
{
    public static ImmutableArray<OpenIddictServerHandlerDescriptor> All { get; } =
    [
        UseIssuerAsBaseUri.Descriptor,
        MatchEndpoint.Descriptor,
        AnnounceIssuerInDiscovery.Descriptor,
        AnnounceIssuerInAuthorizationResponse.Descriptor,
        DropErrorUriFrom<OpenIddictServerEvents.ApplyAuthorizationResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyTokenResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyRevocationResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyUserInfoResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyEndSessionResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyConfigurationResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyJsonWebKeySetResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyPushedAuthorizationResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyDeviceAuthorizationResponseContext>(),
        DropErrorUriFrom<OpenIddictServerEvents.ApplyEndUserVerificationResponseContext>(),
        EnforceRegisteredAuthMethod.TokenDescriptor,
        EnforceRegisteredAuthMethod.RevocationDescriptor,
        EnforceRegisteredAuthMethod.PushedAuthorizationDescriptor,
        EnforceRegisteredAuthMethod.DeviceAuthorizationDescriptor,
        PushedRequests.ValidateRequestUri.Descriptor,
        PushedRequests.SpendRequestUri.Descriptor,
        PushedRequests.RequirePushedRequest.Descriptor,
        PushedRequests.ValidateAgainstClient.Descriptor,
        PushedRequests.AnnounceRequirement.Descriptor,
        ClientAssertions.ValidateAssertion.Descriptor,
        ClientAssertions.AcceptUntypedAssertions.Descriptor,
        ClientAssertions.CheckClaims.Descriptor,
        ClientAssertions.SpendJti.Descriptor,
        ClientAssertions.AnnounceSigningAlgorithms.Descriptor,
        Authorization.ValidateAgainstClient.Descriptor,
        DeviceCodes.ValidateAgainstClient.Descriptor,
        DeviceCodes.AnnounceVerificationPage.Descriptor,
        DeviceCodes.RefuseFastPolling.Descriptor,
        DeviceCodes.LimitGuesses.Descriptor,
        DecideIssuedTokens.Descriptor,
        Exchange.ValidateClientGrant.Descriptor,
        Exchange.RefusePkceDowngrade.Descriptor,
        Exchange.AlwaysReturnScope.Descriptor,
        Protection.ChooseAccessTokenFormat.Descriptor,
        Protection.SignReferenceTokensWithHmac.Descriptor,
        Protection.PrefixReferenceToken.Descriptor,
        Protection.IssueJwtWithoutEngineClaims.Descriptor,
        Protection.FindJwtAccessTokenEntry.Descriptor,
        Protection.StripTokenPrefix.Descriptor,
        TokenEntries.CreateEntry.Descriptor,
        TokenEntries.WriteEntry.Descriptor,
        TokenEntries.AwaitEntries.Descriptor,
        Outcomes.RecordIssuedTokens.Descriptor,
        Outcomes.RecordRefusedTokens.Descriptor,
        Outcomes.RecordRevocation.Descriptor,
        AcceptEmptyUserinfoPost.Descriptor,
        EndSession.RejectInvalidIdTokenHint.Descriptor,
        EndSession.RequireIdTokenHintForRedirect.Descriptor,
        WriteUserinfoErrorBody.Descriptor,
        Revocation.RequireOwnToken.Descriptor,
        Revocation.AcknowledgeUnknownTokens.Descriptor,
        Dpop.ValidateTokenRequestProof.Descriptor,
        Dpop.BindIssuedTokens.Descriptor,
        Dpop.BindAuthorizationCode.Descriptor,
        Dpop.ValidateCodeBinding.AuthorizationDescriptor,
        Dpop.ValidateCodeBinding.PushedDescriptor,
        Dpop.AnswerTokenType.Descriptor,
        Dpop.AnnounceSigningAlgorithms.Descriptor,
        Dpop.ExtractUserinfoDpopToken.Descriptor,
    ];
}
