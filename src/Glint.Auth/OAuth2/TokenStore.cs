using System.Collections.Concurrent;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;

namespace Glint.Auth.OAuth2;

/// <summary>
/// OpenIddict's token store, with the lookup every code exchange and refresh makes, by reference, as a compiled
/// query: the same query and the same tracked entities, without EF Core translating the expression again on each
/// request (which cost more CPU than the database's answer).
/// </summary>
public sealed class TokenStore(
    IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context, IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreTokenStore<OAuthToken, Client, OAuthAuthorization, string>(cache, context, options)
{
    /// <summary>
    /// One compiled query per model: EF Core refuses to run one against another model than its first (a process has one
    /// provider's model, the tests both).
    /// </summary>
    private static readonly ConcurrentDictionary<IModel, Func<GlintDbContext, string, CancellationToken, Task<OAuthToken?>>> ByReference = new();

    private static Func<GlintDbContext, string, CancellationToken, Task<OAuthToken?>> Compile(IModel model) =>
        EF.CompileAsyncQuery((GlintDbContext db, string reference, CancellationToken cancellationToken) =>
            db.OAuthTokens.Include(token => token.Application).Include(token => token.Authorization).AsTracking()
                .FirstOrDefault(token => token.ReferenceId == reference));

    public override async ValueTask<OAuthToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (await Context.GetDbContextAsync(cancellationToken) is not GlintDbContext db)
        {
            return await base.FindByReferenceIdAsync(identifier, cancellationToken);
        }

        // An entry this request already holds (OpenIddict's own store looks there first too).
        return TrackedEntities.Find(db, identifier, static (OAuthToken token, string reference) => string.Equals(token.ReferenceId, reference, StringComparison.Ordinal))
            ?? await ByReference.GetOrAdd(db.Model, Compile)(db, identifier, cancellationToken);
    }
}
