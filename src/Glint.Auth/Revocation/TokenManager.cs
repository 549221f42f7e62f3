using System.Security.Cryptography;
using System.Text;
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
/// Issued tokens are not created through it but written by <see cref="OAuth2.TokenWriter"/>, which stores their
/// references in the same form (<see cref="ObfuscateReference"/>).
/// </summary>
public sealed class TokenManager(
    IOpenIddictTokenCache<OAuthToken> cache,
    ILogger<OpenIddictTokenManager<OAuthToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OAuthToken> store,
    CredentialRevocations revocations)
    : OpenIddictTokenManager<OAuthToken>(cache, logger, options, store)
{
    /// <summary>How a token's reference is stored and looked up: its SHA-256, base64 (OpenIddict's default form).</summary>
    public static string ObfuscateReference(string reference) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(reference)));

    protected override ValueTask<string> ObfuscateReferenceIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ObfuscateReference(identifier));

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
