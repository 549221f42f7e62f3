using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>The settings mutations: refusals come back in the payload's <c>errors</c>, successes return the changed object.</summary>
public abstract class SettingsMutationTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string SetUsername = "mutation($u: Username!) { userUpdateUsername(input: {username: $u}) { errors { code message } user { id username } } }";
    private const string SetDefaultWallet = "mutation($w: WalletId!) { accountUpdateDefaultWalletId(input: {walletId: $w}) { errors { code message } account { id defaultWalletId defaultWallet { id currency } } } }";
    private const string SetDisplayCurrency = "mutation($c: DisplayCurrency!) { accountUpdateDisplayCurrency(input: {currency: $c}) { errors { code message } account { displayCurrency } } }";

    [Fact]
    public async Task Username_IsSetOnceAndThenImmutable()
    {
        var user = await server.NewUserAsync(withUsername: false);
        var username = NewUsername();

        var set = (await server.DataAsync(user.Token, SetUsername, new { u = username }))["userUpdateUsername"]!;
        var again = (await server.DataAsync(user.Token, SetUsername, new { u = NewUsername() }))["userUpdateUsername"]!;
        var me = (await server.DataAsync(user.Token, "query { me { username } }"))["me"]!;

        Assert.Empty(set["errors"]!.AsArray());
        Assert.Equal(username, set["user"]!["username"].Str());
        Assert.Equal(user.UserId.ToString(), set["user"]!["id"].Str());
        Assert.Equal("username is immutable", again["errors"]![0]!["message"].Str());
        Assert.Equal("USERNAME_ERROR", again["errors"]![0]!["code"].Str());
        Assert.Null(again["user"]);
        Assert.Equal(username, me["username"].Str());
    }

    [Fact]
    public async Task Username_TakenInAnotherCase_IsNotAvailable()
    {
        var owner = await server.NewUserAsync();
        var user = await server.NewUserAsync(withUsername: false);

        var taken = (await server.DataAsync(user.Token, SetUsername, new { u = owner.Username!.ToUpperInvariant() }))["userUpdateUsername"]!;

        Assert.Equal("username not available", taken["errors"]![0]!["message"].Str());
        var available = await server.DataAsync(null, "query($u: Username!) { usernameAvailable(username: $u) }", new { u = owner.Username.ToUpperInvariant() });
        Assert.False(available["usernameAvailable"]!.GetValue<bool>());
        var free = await server.DataAsync(null, "query($u: Username!) { usernameAvailable(username: $u) }", new { u = NewUsername() });
        Assert.True(free["usernameAvailable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Username_NotFollowingTheRules_IsRefusedByItsScalar()
    {
        var user = await server.NewUserAsync(withUsername: false);

        using var response = await server.PostGraphQLAsync(user.Token, SetUsername, new { u = "bc1notallowed" });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Language_IsSavedAndDefaultClearsIt()
    {
        var user = await server.NewUserAsync();

        var set = await server.DataAsync(user.Token, """mutation { userUpdateLanguage(input: {language: "pt-BR"}) { errors { message } user { language } } }""");
        var cleared = await server.DataAsync(user.Token, """mutation { userUpdateLanguage(input: {language: "DEFAULT"}) { errors { message } user { language } } }""");

        Assert.Equal("pt-BR", set["userUpdateLanguage"]!["user"]!["language"].Str());
        Assert.Equal("", cleared["userUpdateLanguage"]!["user"]!["language"].Str());
    }

    [Fact]
    public async Task DefaultWallet_CanBeTheUsdWallet_ButNotAnotherAccountsWallet()
    {
        var user = await server.NewUserAsync();
        var other = await server.NewUserAsync();

        var set = (await server.DataAsync(user.Token, SetDefaultWallet, new { w = user.UsdWalletId }))["accountUpdateDefaultWalletId"]!;
        var refused = (await server.DataAsync(user.Token, SetDefaultWallet, new { w = other.BtcWalletId }))["accountUpdateDefaultWalletId"]!;
        var byUsername = (await server.DataAsync(null, BlinkOperations.GetDefaultWalletByUsername, new { username = user.Username }))["accountDefaultWallet"]!;

        Assert.Empty(set["errors"]!.AsArray());
        Assert.Equal(user.UsdWalletId.ToString(), set["account"]!["defaultWalletId"].Str());
        Assert.Equal("USD", set["account"]!["defaultWallet"]!["currency"].Str());
        Assert.Equal("INVALID_INPUT", refused["errors"]![0]!["code"].Str());
        Assert.Null(refused["account"]);
        Assert.Equal(user.UsdWalletId.ToString(), byUsername["id"].Str());
    }

    [Fact]
    public async Task DisplayCurrency_UsdIsAccepted_OthersAreNotOffered()
    {
        var user = await server.NewUserAsync();

        var usd = (await server.DataAsync(user.Token, SetDisplayCurrency, new { c = "usd" }))["accountUpdateDisplayCurrency"]!;
        var eur = (await server.DataAsync(user.Token, SetDisplayCurrency, new { c = "EUR" }))["accountUpdateDisplayCurrency"]!;

        Assert.Empty(usd["errors"]!.AsArray());
        Assert.Equal("USD", usd["account"]!["displayCurrency"].Str());
        Assert.Equal("Invalid currency.", eur["errors"]![0]!["message"].Str());
    }
}

public sealed class SqliteSettingsMutationTests(SqliteServerFixture server) : SettingsMutationTests<SqliteServerFixture>(server);

public sealed class PostgresSettingsMutationTests(PostgresServerFixture server) : SettingsMutationTests<PostgresServerFixture>(server);
