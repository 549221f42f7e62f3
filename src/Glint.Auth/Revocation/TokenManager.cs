using Glint.Data.OAuth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Glint.Auth.Revocation;

/// <summary>
/// OpenIddict's token manager, telling <see cref="CredentialRevocations"/> about every token it ends. OpenIddict
/// revokes in bulk with set-based updates that bypass the change tracker, so this is the one place that sees them
/// all: the revocation endpoint, refresh-token reuse, consent and client revocations, and Glint's own callers.
/// </summary>
public sealed class TokenManager(
    IOpenIddictTokenCache<OAuthToken> cache,
    ILogger<OpenIddictTokenManager<OAuthToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OAuthToken> store,
    CredentialRevocations revocations)
    : OpenIddictTokenManager<OAuthToken>(cache, logger, options, store)
{
    public override async ValueTask<bool> TryRevokeAsync(OAuthToken token, CancellationToken cancellationToken = default)
    {
        var revoked = await base.TryRevokeAsync(token, cancellationToken);
        if (revoked && token.Id is { } id)
        {
            revocations.TokenRevoked(id);
        }

        return revoked;
    }

    public override async ValueTask DeleteAsync(OAuthToken token, CancellationToken cancellationToken = default)
    {
        await base.DeleteAsync(token, cancellationToken);
        if (token.Id is { } id)
        {
            revocations.TokenRevoked(id);
        }
    }

    public override async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeAsync(subject, client, status, type, cancellationToken));

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeByApplicationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeByAuthorizationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeBySubjectAsync(subject, cancellationToken));
}
