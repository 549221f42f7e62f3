using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Glint.Auth.OAuth2;

/// <summary>
/// OpenIddict's per-request entity caches, built on their first use instead of with the request's managers. Every
/// manager takes its cache in its constructor, and each cache builds a memory cache and a signal dictionary there: four
/// of them on every token request, about a tenth of the bytes a <c>client_credentials</c> request allocated, though
/// that request reads clients from Glint's node cache (<see cref="Clients.ClientManager"/>) and never looks at the
/// others. A cache that is used is OpenIddict's own, so every manager call sees what it saw before; removing an entry
/// from a cache not yet built has nothing to remove.
/// </summary>
internal abstract class EntityCacheOnDemand<TCache> : IDisposable where TCache : class, IDisposable
{
    private TCache? _cache;

    protected TCache Cache => _cache ??= Build();

    protected TCache? Built => _cache;

    public void Dispose() => _cache?.Dispose();

    protected abstract TCache Build();
}

internal sealed class ApplicationCacheOnDemand<TApplication>(IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictApplicationStore<TApplication> store)
    : EntityCacheOnDemand<OpenIddictApplicationCache<TApplication>>, IOpenIddictApplicationCache<TApplication>
    where TApplication : class
{
    protected override OpenIddictApplicationCache<TApplication> Build() => new(options, store);

    public ValueTask AddAsync(TApplication application, CancellationToken cancellationToken) => Cache.AddAsync(application, cancellationToken);

    public ValueTask<TApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByClientIdAsync(identifier, cancellationToken);

    public ValueTask<TApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        Cache.FindByPostLogoutRedirectUriAsync(uri, cancellationToken);

    public IAsyncEnumerable<TApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        Cache.FindByRedirectUriAsync(uri, cancellationToken);

    public ValueTask RemoveAsync(TApplication application, CancellationToken cancellationToken) =>
        Built?.RemoveAsync(application, cancellationToken) ?? ValueTask.CompletedTask;
}

internal sealed class AuthorizationCacheOnDemand<TAuthorization>(IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictAuthorizationStore<TAuthorization> store)
    : EntityCacheOnDemand<OpenIddictAuthorizationCache<TAuthorization>>, IOpenIddictAuthorizationCache<TAuthorization>
    where TAuthorization : class
{
    protected override OpenIddictAuthorizationCache<TAuthorization> Build() => new(options, store);

    public ValueTask AddAsync(TAuthorization authorization, CancellationToken cancellationToken) => Cache.AddAsync(authorization, cancellationToken);

    public IAsyncEnumerable<TAuthorization> FindAsync(
        string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes, CancellationToken cancellationToken) =>
        Cache.FindAsync(subject, client, status, type, scopes, cancellationToken);

    public IAsyncEnumerable<TAuthorization> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByApplicationIdAsync(identifier, cancellationToken);

    public ValueTask<TAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TAuthorization> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        Cache.FindBySubjectAsync(subject, cancellationToken);

    public ValueTask RemoveAsync(TAuthorization authorization, CancellationToken cancellationToken) =>
        Built?.RemoveAsync(authorization, cancellationToken) ?? ValueTask.CompletedTask;
}

internal sealed class ScopeCacheOnDemand<TScope>(IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictScopeStore<TScope> store)
    : EntityCacheOnDemand<OpenIddictScopeCache<TScope>>, IOpenIddictScopeCache<TScope>
    where TScope : class
{
    protected override OpenIddictScopeCache<TScope> Build() => new(options, store);

    public ValueTask AddAsync(TScope scope, CancellationToken cancellationToken) => Cache.AddAsync(scope, cancellationToken);

    public ValueTask<TScope?> FindByIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByIdAsync(identifier, cancellationToken);

    public ValueTask<TScope?> FindByNameAsync(string name, CancellationToken cancellationToken) => Cache.FindByNameAsync(name, cancellationToken);

    public IAsyncEnumerable<TScope> FindByNamesAsync(ImmutableArray<string> names, CancellationToken cancellationToken) =>
        Cache.FindByNamesAsync(names, cancellationToken);

    public IAsyncEnumerable<TScope> FindByResourceAsync(string resource, CancellationToken cancellationToken) =>
        Cache.FindByResourceAsync(resource, cancellationToken);

    public ValueTask RemoveAsync(TScope scope, CancellationToken cancellationToken) =>
        Built?.RemoveAsync(scope, cancellationToken) ?? ValueTask.CompletedTask;
}

internal sealed class TokenCacheOnDemand<TToken>(IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictTokenStore<TToken> store)
    : EntityCacheOnDemand<OpenIddictTokenCache<TToken>>, IOpenIddictTokenCache<TToken>
    where TToken : class
{
    protected override OpenIddictTokenCache<TToken> Build() => new(options, store);

    public ValueTask AddAsync(TToken token, CancellationToken cancellationToken) => Cache.AddAsync(token, cancellationToken);

    public IAsyncEnumerable<TToken> FindAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        Cache.FindAsync(subject, client, status, type, cancellationToken);

    public IAsyncEnumerable<TToken> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByApplicationIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TToken> FindByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByAuthorizationIdAsync(identifier, cancellationToken);

    public ValueTask<TToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken) => Cache.FindByIdAsync(identifier, cancellationToken);

    public ValueTask<TToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken) =>
        Cache.FindByReferenceIdAsync(identifier, cancellationToken);

    public IAsyncEnumerable<TToken> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        Cache.FindBySubjectAsync(subject, cancellationToken);

    public ValueTask RemoveAsync(TToken token, CancellationToken cancellationToken) =>
        Built?.RemoveAsync(token, cancellationToken) ?? ValueTask.CompletedTask;
}
