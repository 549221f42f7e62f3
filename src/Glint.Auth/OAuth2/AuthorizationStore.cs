using Glint.Data.OAuth;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;

namespace Glint.Auth.OAuth2;

/// <summary>
/// OpenIddict's authorization store, which first looks for an authorization among the entities the request already
/// holds. A code exchange or a refresh loads its token with the token's authorization, then checks that authorization
/// by id: that check now reads what the same request read a moment before instead of querying it again.
/// </summary>
public sealed class AuthorizationStore(
    IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context, IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreAuthorizationStore<OAuthAuthorization, Client, OAuthToken, string>(cache, context, options)
{
    public override async ValueTask<OAuthAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = await Context.GetDbContextAsync(cancellationToken);
        return TrackedEntities.Find(db, identifier, static (OAuthAuthorization authorization, string id) => string.Equals(authorization.Id, id, StringComparison.Ordinal))
            ?? await base.FindByIdAsync(identifier, cancellationToken);
    }
}
