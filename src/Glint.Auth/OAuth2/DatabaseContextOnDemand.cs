using Glint.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Gives OpenIddict's stores the request's database context when a store first reads or writes, instead of with the
/// request's managers. OpenIddict's own takes the context in its constructor, so building the client manager rented a
/// context from the pool, and the end of the request reset and returned it, on every <c>client_credentials</c> request,
/// which reads its client from the node's cache and stores its token through <see cref="TokenWriter"/>: about 1.5 % of
/// the token endpoint's CPU and two more services in the request's scope. The context a store gets is the same one,
/// the request's, as before.
/// </summary>
internal sealed class DatabaseContextOnDemand(IServiceProvider services) : IOpenIddictEntityFrameworkCoreContext
{
    public ValueTask<DbContext> GetDbContextAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<DbContext>(cancellationToken)
            : new(services.GetRequiredService<GlintDbContext>());
}
