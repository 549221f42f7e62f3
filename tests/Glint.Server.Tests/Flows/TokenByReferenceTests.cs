using Glint.Auth.OAuth2;
using Glint.Data;
using Glint.Data.OAuth;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// The lookup a code exchange and a refresh make by reference, read in plain SQL: OpenIddict must get what EF Core's
/// query with its two includes gave it (tracked, unchanged, foreign keys and navigations set), because it redeems and
/// revokes through the context afterwards; an entity the request already holds is used, never tracked twice.
/// </summary>
public abstract class TokenByReferenceTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task A_token_found_by_reference_is_tracked_unchanged_with_its_client_and_authorization()
    {
        var (client, _, _, refresh) = await server.ConnectedAppAsync();
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();

        var token = (OAuthToken?)await tokens.FindByReferenceIdAsync(TokenPrefix.Strip(refresh), TestContext.Current.CancellationToken);

        Assert.NotNull(token);
        Assert.NotNull(token.Application);
        Assert.Equal(client.Id, token.Application.ClientId);
        Assert.NotNull(token.Authorization);
        Assert.Same(token.Application, token.Authorization.Application);
        Assert.Contains(token, token.Authorization.Tokens);
        var stored = await db.OAuthTokens.AsNoTracking().Where(row => row.Id == token.Id)
            .Select(row => new { row.ConcurrencyToken, row.Payload, row.CreationDate, row.ExpirationDate, row.Status, row.Type, Application = row.Application!.Id, Authorization = row.Authorization!.Id })
            .SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(stored, new { token.ConcurrencyToken, token.Payload, token.CreationDate, token.ExpirationDate, token.Status, token.Type, Application = token.Application.Id, Authorization = token.Authorization.Id });
        foreach (var entity in new object[] { token, token.Application, token.Authorization })
        {
            Assert.Equal(EntityState.Unchanged, db.Entry(entity).State);
        }

        Assert.Equal(token.Application.Id, db.Entry(token).Property("ApplicationId").OriginalValue);
        Assert.Equal(token.Authorization.Id, db.Entry(token).Property("AuthorizationId").OriginalValue);
        Assert.Equal(token.Application.Id, db.Entry(token.Authorization).Property("ApplicationId").OriginalValue);
        Assert.False(db.ChangeTracker.HasChanges());
    }

    [Fact]
    public async Task A_client_the_request_already_tracks_is_the_one_the_token_gets()
    {
        var (client, _, _, refresh) = await server.ConnectedAppAsync();
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var held = await db.Set<Client>().AsTracking().SingleAsync(row => row.ClientId == client.Id, TestContext.Current.CancellationToken);

        var token = (OAuthToken?)await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>()
            .FindByReferenceIdAsync(TokenPrefix.Strip(refresh), TestContext.Current.CancellationToken);

        Assert.NotNull(token);
        Assert.Same(held, token.Application);
        Assert.Same(held, token.Authorization?.Application);
        Assert.Single(db.ChangeTracker.Entries<Client>());
    }

    [Fact]
    public async Task A_token_found_and_revoked_through_the_context_is_revoked_in_the_database()
    {
        var (_, _, _, refresh) = await server.ConnectedAppAsync();
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var token = (OAuthToken)(await tokens.FindByReferenceIdAsync(TokenPrefix.Strip(refresh), TestContext.Current.CancellationToken))!;

        Assert.True(await tokens.TryRevokeAsync(token, TestContext.Current.CancellationToken));

        var stored = await db.OAuthTokens.AsNoTracking().Where(row => row.Id == token.Id)
            .Select(row => new { row.Status, Application = row.Application!.Id, Authorization = row.Authorization!.Id })
            .SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new { Status = (string?)OpenIddictConstants.Statuses.Revoked, Application = token.Application!.Id, Authorization = token.Authorization!.Id }, stored);
    }

    [Fact]
    public async Task An_unknown_reference_finds_nothing()
    {
        await using var scope = server.Services.CreateAsyncScope();

        Assert.Null(await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>()
            .FindByReferenceIdAsync("no-such-reference", TestContext.Current.CancellationToken));
    }
}

public sealed class SqliteTokenByReferenceTests(SqliteServerFixture server) : TokenByReferenceTests<SqliteServerFixture>(server);

public sealed class PostgresTokenByReferenceTests(PostgresServerFixture server) : TokenByReferenceTests<PostgresServerFixture>(server);
