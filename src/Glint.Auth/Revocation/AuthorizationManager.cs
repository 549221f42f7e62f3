using Glint.Data.OAuth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Glint.Auth.Revocation;

/// <summary>OpenIddict's authorization manager, telling <see cref="CredentialRevocations"/> when a consent ends: its tokens end with it.</summary>
public sealed class AuthorizationManager(
    IOpenIddictAuthorizationCache<OAuthAuthorization> cache,
    ILogger<OpenIddictAuthorizationManager<OAuthAuthorization>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictAuthorizationStore<OAuthAuthorization> store,
    CredentialRevocations revocations)
    : OpenIddictAuthorizationManager<OAuthAuthorization>(cache, logger, options, store)
{
    public override async ValueTask<bool> TryRevokeAsync(OAuthAuthorization authorization, CancellationToken cancellationToken = default)
    {
        var revoked = await base.TryRevokeAsync(authorization, cancellationToken);
        if (revoked)
        {
            revocations.Revoked();
        }

        return revoked;
    }

    public override async ValueTask DeleteAsync(OAuthAuthorization authorization, CancellationToken cancellationToken = default)
    {
        await base.DeleteAsync(authorization, cancellationToken);
        revocations.Revoked();
    }

    public override async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeAsync(subject, client, status, type, cancellationToken));

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeByApplicationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeBySubjectAsync(subject, cancellationToken));
}
