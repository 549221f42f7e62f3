using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;

namespace Glint.Auth.OAuth2;

/// <summary>
/// OpenIddict's token store, with the lookup every code exchange and refresh makes, by reference, read in one plain
/// joined command (<see cref="TokenByReference"/>): the same tracked entities as OpenIddict's query with its two
/// includes, without EF Core's query pipeline (which cost more CPU than the database's answer).
/// </summary>
public sealed class TokenStore(
    IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context, IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreTokenStore<OAuthToken, Client, OAuthAuthorization, string>(cache, context, options)
{
    public override async ValueTask<OAuthToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (await Context.GetDbContextAsync(cancellationToken) is not GlintDbContext db)
        {
            return await base.FindByReferenceIdAsync(identifier, cancellationToken);
        }

        // An entry this request already holds (OpenIddict's own store looks there first too).
        return TrackedEntities.Find(db, identifier, static (OAuthToken token, string reference) => string.Equals(token.ReferenceId, reference, StringComparison.Ordinal))
            ?? await TokenByReference.For(db).ReadAsync(db, identifier, cancellationToken);
    }
}
