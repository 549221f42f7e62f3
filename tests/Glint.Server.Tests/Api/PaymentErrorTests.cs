using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Api;

/// <summary>Each refused payment: status FAILURE, one payload error with its code, nothing moved.</summary>
public abstract class PaymentErrorTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Send = """
        mutation Send($input: IntraLedgerPaymentSendInput!) {
          intraLedgerPaymentSend(input: $input) { status errors { __typename code message path } transaction { id } }
        }
        """;

    private const string SendUsd = """
        mutation SendUsd($input: IntraLedgerUsdPaymentSendInput!) {
          intraLedgerUsdPaymentSend(input: $input) { status errors { code message } transaction { id } }
        }
        """;

    private const string Balances = "query { me { defaultAccount { wallets { walletCurrency balance } } } }";

    [Fact]
    public async Task MoreThanTheBalance_IsInsufficientBalance()
    {
        var (alice, bob) = await PairAsync();

        var error = await FailAsync(alice, Send, alice.BtcWalletId, bob.BtcWalletId, 1_001);

        Assert.Equal("INSUFFICIENT_BALANCE", error["code"].Str());
        Assert.Equal("GraphQLApplicationError", error["__typename"].Str());
        Assert.Null(error["path"]);
        await AssertBalanceAsync(alice, 1_000);
        await AssertBalanceAsync(bob, 0);
    }

    [Fact]
    public async Task FromAWalletThatDoesNotExist_IsInvalidInput()
    {
        var (alice, bob) = await PairAsync();

        var error = await FailAsync(alice, Send, Guid.NewGuid(), bob.BtcWalletId, 10);

        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.Equal("Invalid walletId for account.", error["message"].Str());
    }

    [Fact]
    public async Task FromAnotherUsersWallet_IsRefusedAndMovesNothing()
    {
        var (alice, bob) = await PairAsync();
        await server.CreditAsync(bob.BtcWalletId, 5_000);

        var error = await FailAsync(alice, Send, bob.BtcWalletId, alice.BtcWalletId, 10);

        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.Equal("Invalid walletId for account.", error["message"].Str());
        await AssertBalanceAsync(bob, 5_000);
    }

    [Fact]
    public async Task ToAWalletThatDoesNotExist_IsInvalidInput()
    {
        var (alice, _) = await PairAsync();

        var error = await FailAsync(alice, Send, alice.BtcWalletId, Guid.NewGuid(), 10);

        Assert.Equal("INVALID_INPUT", error["code"].Str());
        await AssertBalanceAsync(alice, 1_000);
    }

    [Fact]
    public async Task ToTheSameWallet_IsCantPaySelf()
    {
        var (alice, _) = await PairAsync();

        var error = await FailAsync(alice, Send, alice.BtcWalletId, alice.BtcWalletId, 10);

        Assert.Equal("CANT_PAY_SELF", error["code"].Str());
        await AssertBalanceAsync(alice, 1_000);
    }

    [Fact]
    public async Task ZeroAmount_IsInvalidInput()
    {
        var (alice, bob) = await PairAsync();

        var error = await FailAsync(alice, Send, alice.BtcWalletId, bob.BtcWalletId, 0);

        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.Equal("The amount must be greater than zero.", error["message"].Str());
    }

    [Fact]
    public async Task AmountAboveAllBitcoin_IsInvalidInput()
    {
        var (alice, bob) = await PairAsync();

        var error = await FailAsync(alice, Send, alice.BtcWalletId, bob.BtcWalletId, 2_100_000_000_000_001);

        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.Equal("The amount is too large.", error["message"].Str());
    }

    [Fact]
    public async Task BtcMutationFromTheUsdWallet_IsInvalidInput()
    {
        var (alice, bob) = await PairAsync();

        var error = await FailAsync(alice, Send, alice.UsdWalletId, bob.BtcWalletId, 10);

        Assert.Equal("INVALID_INPUT", error["code"].Str());
    }

    [Fact]
    public async Task UsdMutation_WithInsufficientCents_IsInsufficientBalance()
    {
        var (alice, bob) = await PairAsync();

        var error = await FailAsync(alice, SendUsd, alice.UsdWalletId, bob.UsdWalletId, 1);

        Assert.Equal("INSUFFICIENT_BALANCE", error["code"].Str());
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("\"ten\"")]
    public async Task AmountThatIsNotASatAmount_IsAValidationError(string amount)
    {
        var (alice, bob) = await PairAsync();

        using var response = await server.PostRawGraphQLAsync(alice.Token,
            $$"""{"query":"mutation { intraLedgerPaymentSend(input: {walletId: \"{{alice.BtcWalletId}}\", recipientWalletId: \"{{bob.BtcWalletId}}\", amount: {{amount.Replace("\"", "\\\"", StringComparison.Ordinal)}}}) { status } }"}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", ApiCalls.SingleError(body)["code"].Str());
        Assert.Null(body["data"]);
        await AssertBalanceAsync(alice, 1_000);
    }

    [Fact]
    public async Task NegativeAmountInVariables_IsBadUserInput()
    {
        var (alice, bob) = await PairAsync();

        using var response = await server.PostGraphQLAsync(alice.Token, Send, new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = -1 } });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BAD_USER_INPUT", ApiCalls.SingleError(body)["code"].Str());
    }

    private async Task<(ApiUser Alice, ApiUser Bob)> PairAsync() =>
        (await server.NewUserAsync(sats: 1_000), await server.NewUserAsync());

    private async Task<JsonObject> FailAsync(ApiUser payer, string mutation, Guid walletId, Guid recipientWalletId, long amount)
    {
        var data = await server.DataAsync(payer.Token, mutation, new { input = new { walletId, recipientWalletId, amount } });
        var payload = data.First().Value!;
        Assert.Equal("FAILURE", payload["status"].Str());
        Assert.Null(payload["transaction"]);
        return Assert.Single(payload["errors"]!.AsArray())!.AsObject();
    }

    private async Task AssertBalanceAsync(ApiUser user, long sats)
    {
        var wallets = (await server.DataAsync(user.Token, Balances))["me"]!["defaultAccount"]!["wallets"]!.AsArray();
        Assert.Equal(sats, wallets.Single(w => w!["walletCurrency"].Str() == "BTC")!["balance"].Number());
    }
}

public sealed class SqlitePaymentErrorTests(SqliteServerFixture server) : PaymentErrorTests<SqliteServerFixture>(server);

public sealed class PostgresPaymentErrorTests(PostgresServerFixture server) : PaymentErrorTests<PostgresServerFixture>(server);
