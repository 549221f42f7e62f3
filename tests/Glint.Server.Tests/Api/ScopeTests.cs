using System.Net;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Root fields' access rules, checked before they run: no credential is Blink's <c>NOT_AUTHORIZED</c>, a missing scope
/// is <c>NOT_AUTHORIZED</c> naming the scope; write does not grant read; an empty scope grants nothing.
/// </summary>
public abstract class ScopeTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string ReadDenied = "Not authorized: this needs the read scope (AuthorizationError: not authorized to read data)";
    private const string WriteDenied = "Not authorized: this needs the write scope (AuthorizationError: not authorized to execute mutations)";
    private const string SetLanguage = """mutation { userUpdateLanguage(input: {language: "fr"}) { errors { message } user { language } } }""";

    [Fact]
    public async Task NoCredential_Me_IsNotAuthorizedAndNull()
    {
        var body = await server.GraphQLAsync(null, "query { me { id } }");

        var error = SingleError(body);
        Assert.Equal("Not authorized", error["message"].Str());
        Assert.Equal("NOT_AUTHORIZED", error["code"].Str());
        Assert.Equal(["me"], error["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.NotNull(error["locations"]);
        Assert.Null(error["extensions"]);
        Assert.Null(body["data"]!["me"]);
    }

    [Fact]
    public async Task NoCredential_PublicFieldsStillAnswer()
    {
        var body = await server.GraphQLAsync(null, "query { globals { network } me { id } }");

        Assert.Equal("regtest", body["data"]!["globals"]!["network"].Str());
        Assert.Equal("NOT_AUTHORIZED", SingleError(body)["code"].Str());
    }

    [Fact]
    public async Task NoCredential_Mutation_IsNotAuthorizedAndDataNull()
    {
        var body = await server.GraphQLAsync(null, SetLanguage);

        Assert.Equal("NOT_AUTHORIZED", SingleError(body)["code"].Str());
        Assert.Null(body["data"]);
    }

    [Fact]
    public async Task ReadOnlyToken_CanReadButNotMutate()
    {
        var user = await server.NewUserAsync(grant: ["read"]);

        var scopes = (await server.DataAsync(user.Token, "query { authorization { scopes } }"))["authorization"]!["scopes"]!.AsArray();
        var body = await server.GraphQLAsync(user.Token, SetLanguage);

        Assert.Equal(["READ"], scopes.Select(s => s!.GetValue<string>()));
        var error = SingleError(body);
        Assert.Equal(WriteDenied, error["message"].Str());
        Assert.Equal("NOT_AUTHORIZED", error["code"].Str());
        Assert.Null(body["data"]);
        Assert.Equal("", (await server.DataAsync(user.Token, "query { me { language } }"))["me"]!["language"].Str());
    }

    [Fact]
    public async Task WriteOnlyToken_CanMutateButNotRead()
    {
        var user = await server.NewUserAsync(grant: ["write"]);

        var mutated = await server.DataAsync(user.Token, SetLanguage);
        var me = await server.GraphQLAsync(user.Token, "query { me { id } }");
        var authorization = await server.GraphQLAsync(user.Token, "query { authorization { scopes } }");

        Assert.Equal("fr", mutated["userUpdateLanguage"]!["user"]!["language"].Str());
        Assert.Equal(ReadDenied, SingleError(me)["message"].Str());
        Assert.Equal("NOT_AUTHORIZED", SingleError(me)["code"].Str());
        Assert.Null(me["data"]!["me"]);
        Assert.Equal(ReadDenied, SingleError(authorization)["message"].Str());
    }

    [Fact]
    public async Task ReceiveOnlyToken_CanNeitherReadNorMutate()
    {
        var user = await server.NewUserAsync(grant: ["receive"]);

        Assert.Equal(ReadDenied, SingleError(await server.GraphQLAsync(user.Token, "query { me { id } }"))["message"].Str());
        Assert.Equal(WriteDenied, SingleError(await server.GraphQLAsync(user.Token, SetLanguage))["message"].Str());
    }

    [Fact]
    public async Task ReadWriteToken_ListsBothScopes()
    {
        var user = await server.NewUserAsync(grant: ["read", "write"]);

        var scopes = (await server.DataAsync(user.Token, "query { authorization { scopes } }"))["authorization"]!["scopes"]!.AsArray();

        Assert.Equal(["READ", "WRITE"], scopes.Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task TokenWithEmptyScope_MayDoNothing()
    {
        // A deliberate difference from Blink, where an empty scope is unrestricted: an empty consent must not be full access.
        var user = await server.NewUserAsync(grant: []);

        Assert.Equal(ReadDenied, SingleError(await server.GraphQLAsync(user.Token, "query { authorization { scopes } }"))["message"].Str());
        Assert.Equal(WriteDenied, SingleError(await server.GraphQLAsync(user.Token, SetLanguage))["message"].Str());
    }

    [Fact]
    public async Task TokenOfASubjectWithoutAccount_IsNotAuthorized()
    {
        var token = await server.AccessTokenAsync(Guid.NewGuid(), ["read"]);

        Assert.Equal("NOT_AUTHORIZED", SingleError(await server.GraphQLAsync(token, "query { me { id } }"))["code"].Str());
    }

    [Fact]
    public async Task LockedAccount_MayReadButNotMutate()
    {
        var user = await server.NewUserAsync(grant: ["read", "write"]);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            await db.Accounts.Where(a => a.Id == user.AccountId).ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, "locked"));
        }

        var scopes = (await server.DataAsync(user.Token, "query { authorization { scopes } }"))["authorization"]!["scopes"]!.AsArray();
        var body = await server.GraphQLAsync(user.Token, SetLanguage);

        Assert.Equal(["READ"], scopes.Select(s => s!.GetValue<string>()));
        Assert.Equal("Not authorized", SingleError(body)["message"].Str());
        Assert.Equal("NOT_AUTHORIZED", SingleError(body)["code"].Str());
    }

    [Fact]
    public async Task InvalidToken_Is401BeforeGraphQL()
    {
        using var response = await server.PostGraphQLAsync("glint_at_not-a-real-token", "query { globals { network } }");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<int>());
    }
}

public sealed class SqliteScopeTests(SqliteServerFixture server) : ScopeTests<SqliteServerFixture>(server);

public sealed class PostgresScopeTests(PostgresServerFixture server) : ScopeTests<PostgresServerFixture>(server);
