using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Glint.Lightning.Bolt11;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Lightning;
using Microsoft.Extensions.DependencyInjection;
using NBitcoin;

namespace Glint.Server.Tests.Lightning;

/// <summary>
/// The USD wallet's side of Lightning: an invoice in sats made on a USD recipient's behalf, credited the cents its sats
/// were worth when it was made, and the two fee probes of a USD wallet, which answer what the BTC probes answer.
/// The configured price is the default $100,000 per bitcoin (10 sats a cent).
/// </summary>
public abstract class UsdInvoiceTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string CreateInSats = $$"""
        mutation($input: LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInput!) {
          lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient(input: $input) { errors { code message } invoice { {{InvoiceCalls.InvoiceFields}} satoshis } } }
        """;

    private const string CreateInCents = """
        mutation($input: LnUsdInvoiceCreateOnBehalfOfRecipientInput!) {
          lnUsdInvoiceCreateOnBehalfOfRecipient(input: $input) { errors { code message } invoice { paymentHash } } }
        """;

    private const string Probe = "mutation($input: LnUsdInvoiceFeeProbeInput!) { lnUsdInvoiceFeeProbe(input: $input) { errors { code message } amount } }";

    private const string NoAmountProbe = """
        mutation($input: LnNoAmountUsdInvoiceFeeProbeInput!) { lnNoAmountUsdInvoiceFeeProbe(input: $input) { errors { code message } amount } }
        """;

    [Fact]
    public async Task BtcDenominatedUsdInvoice_CarriesItsSats_AndCreditsTheCentsTheyWereWorth()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 10_000);

        var created = (await server.DataAsync(null, CreateInSats,
            new { input = new { recipientWalletId = merchant.UsdWalletId, amount = 1_234, memo = "tea", externalId = "order-7" } }))["lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient"]!;
        var invoice = created["invoice"]!;
        var decoded = Bolt11Parser.Parse(invoice["paymentRequest"].Str());
        var paid = await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str());

        Assert.Empty(created["errors"]!.AsArray());
        Assert.Equal(1_234, invoice["satoshis"].Number());
        Assert.Equal("order-7", invoice["externalId"].Str());
        Assert.Equal(1_234_000, decoded.AmountMsat);
        Assert.Equal("tea", decoded.Description);
        Assert.Equal(server.Services.GetRequiredService<LightningNode>().NodeId, decoded.PayeeNodeId);
        Assert.Equal(300, decoded.ExpirySeconds);
        Assert.Equal("SUCCESS", paid["status"].Str());
        Assert.Equal(-1_234, paid["transaction"]!["settlementAmount"].Number());
        // 1,234 sats are 123.4 cents: the wallet gets the 123 whole cents, the ledger keeps the fraction.
        Assert.Equal(10_000 - 1_234, await server.BalanceAsync(payer.BtcWalletId));
        Assert.Equal(123, await server.BalanceAsync(merchant.UsdWalletId));
        Assert.Equal("PAID", await server.StatusAsync(invoice["paymentHash"].Str()));

        var transactions = (await server.DataAsync(merchant.Token, """
            query($wallet: WalletId!) { me { defaultAccount { walletById(walletId: $wallet) { transactions(first: 5) { edges { node {
              settlementAmount settlementCurrency status initiationVia { __typename ... on InitiationViaLn { paymentHash } } } } } } } } }
            """, new { wallet = merchant.UsdWalletId }))["me"]!["defaultAccount"]!["walletById"]!["transactions"]!["edges"]!.AsArray();
        var received = Assert.Single(transactions)!["node"]!;
        Assert.Equal(123, received["settlementAmount"].Number());
        Assert.Equal("USD", received["settlementCurrency"].Str());
        Assert.Equal("SUCCESS", received["status"].Str());
        Assert.Equal(invoice["paymentHash"].Str(), received["initiationVia"]!["paymentHash"].Str());
        await server.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task BtcDenominatedUsdInvoice_IsPaidFromAnotherUsersUsdWalletWithTheFixedCents()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(cents: 1_000);
        var invoice = (await server.DataAsync(null, CreateInSats, new { input = new { recipientWalletId = merchant.UsdWalletId, amount = 2_509 } }))
            ["lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient"]!["invoice"]!;

        var paid = await server.PayAsync(payer.Token, payer.UsdWalletId, invoice["paymentRequest"].Str());

        Assert.Equal("SUCCESS", paid["status"].Str());
        Assert.Equal(1_000 - 250, await server.BalanceAsync(payer.UsdWalletId));
        Assert.Equal(250, await server.BalanceAsync(merchant.UsdWalletId));
        await server.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task BtcDenominatedUsdInvoice_RefusesWhatTheUsdInvoiceRefuses_WithItsErrors()
    {
        var merchant = await server.NewUserAsync();

        async Task<(JsonNode InSats, JsonNode InCents)> BothAsync(Guid walletId, long amount)
        {
            var inSats = (await server.DataAsync(null, CreateInSats, new { input = new { recipientWalletId = walletId, amount } }))["lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient"]!;
            var inCents = (await server.DataAsync(null, CreateInCents, new { input = new { recipientWalletId = walletId, amount } }))["lnUsdInvoiceCreateOnBehalfOfRecipient"]!;
            Assert.Null(inSats["invoice"]);
            Assert.Null(inCents["invoice"]);
            return (inSats["errors"]![0]!, inCents["errors"]![0]!);
        }

        foreach (var (walletId, amount, message) in new[]
        {
            (merchant.BtcWalletId, 1_000L, "The wallet's currency does not match this payment."),
            (merchant.UsdWalletId, 0L, "The amount must be greater than zero."),
            (Guid.NewGuid(), 1_000L, "The recipient wallet does not exist."),
        })
        {
            var (inSats, inCents) = await BothAsync(walletId, amount);
            Assert.Equal("INVALID_INPUT", inSats["code"].Str());
            Assert.Equal(message, inSats["message"].Str());
            Assert.Equal(inCents["message"].Str(), inSats["message"].Str());
        }

        var tooLarge = (await server.DataAsync(null, CreateInSats, new { input = new { recipientWalletId = merchant.UsdWalletId, amount = 1_000_000_001 } }))
            ["lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient"]!["errors"]![0]!;
        var belowACent = (await server.DataAsync(null, CreateInSats, new { input = new { recipientWalletId = merchant.UsdWalletId, amount = 9 } }))
            ["lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient"]!["errors"]![0]!;
        var longExpiry = (await server.DataAsync(null, CreateInSats, new { input = new { recipientWalletId = merchant.UsdWalletId, amount = 100, expiresIn = 6 } }))
            ["lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient"]!["errors"]![0]!;

        Assert.Equal("The amount is too large: at most 1000000000 sats.", tooLarge["message"].Str());
        Assert.Equal("The amount is too small to convert.", belowACent["message"].Str());
        Assert.Equal("expiresIn must be between 1 and 5 minutes.", longExpiry["message"].Str());
        Assert.Equal(0, await server.BalanceAsync(merchant.UsdWalletId));
    }

    [Fact]
    public async Task BtcDenominatedUsdInvoice_NeedsNoCredentials_AndNoScope()
    {
        var merchant = await server.NewUserAsync();
        var reader = await server.NewUserAsync(grant: ["read"]);

        var byReader = (await server.DataAsync(reader.Token, CreateInSats, new { input = new { recipientWalletId = merchant.UsdWalletId, amount = 100 } }))
            ["lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient"]!;

        Assert.Empty(byReader["errors"]!.AsArray());
        Assert.Equal(100, byReader["invoice"]!["satoshis"].Number());
    }

    [Fact]
    public async Task UsdFeeProbes_AreZeroForAnInvoiceGlintIssued()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(cents: 500);
        var withAmount = await server.CreateForRecipientAsync(merchant.BtcWalletId, 1_000);
        var withoutAmount = await NoAmountInvoiceAsync(merchant.BtcWalletId);

        var fee = (await server.DataAsync(payer.Token, Probe, new { input = new { walletId = payer.UsdWalletId, paymentRequest = withAmount["paymentRequest"].Str() } }))["lnUsdInvoiceFeeProbe"]!;
        var noAmountFee = (await server.DataAsync(payer.Token, NoAmountProbe,
            new { input = new { walletId = payer.UsdWalletId, paymentRequest = withoutAmount, amount = 100 } }))["lnNoAmountUsdInvoiceFeeProbe"]!;

        Assert.Empty(fee["errors"]!.AsArray());
        Assert.Equal(0, fee["amount"].Number());
        Assert.Empty(noAmountFee["errors"]!.AsArray());
        Assert.Equal(0, noAmountFee["amount"].Number());
        Assert.Equal(500, await server.BalanceAsync(payer.UsdWalletId));
        Assert.Equal("PENDING", await server.StatusAsync(withAmount["paymentHash"].Str()));
    }

    [Fact]
    public async Task UsdFeeProbes_RefuseWhatPayingWouldRefuse()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 5_000, cents: 500);
        var invoice = (await server.CreateForRecipientAsync(merchant.BtcWalletId, 1_000))["paymentRequest"].Str();
        var noAmount = await NoAmountInvoiceAsync(merchant.BtcWalletId);
        var expired = await server.CreateForRecipientAsync(merchant.BtcWalletId, 1_000);
        await server.ExpireAsync(expired["paymentHash"].Str());
        var own = (await server.CreateForRecipientAsync(payer.BtcWalletId, 1_000))["paymentRequest"].Str();

        async Task<JsonNode> ProbeAsync(Guid walletId, string paymentRequest)
        {
            var payload = (await server.DataAsync(payer.Token, Probe, new { input = new { walletId, paymentRequest } }))["lnUsdInvoiceFeeProbe"]!;
            Assert.Null(payload["amount"]);
            return payload["errors"]![0]!;
        }

        async Task<JsonNode> NoAmountProbeAsync(Guid walletId, string paymentRequest)
        {
            var payload = (await server.DataAsync(payer.Token, NoAmountProbe, new { input = new { walletId, paymentRequest, amount = 100 } }))["lnNoAmountUsdInvoiceFeeProbe"]!;
            Assert.Null(payload["amount"]);
            return payload["errors"]![0]!;
        }

        Assert.Equal("The wallet's currency does not match this payment.", (await ProbeAsync(payer.BtcWalletId, invoice))["message"].Str());
        // And the BTC probe refuses a USD wallet, as Blink's does: each probe answers in its wallet's unit.
        var btcProbe = (await server.DataAsync(payer.Token, "mutation($input: LnInvoiceFeeProbeInput!) { lnInvoiceFeeProbe(input: $input) { errors { message } amount } }",
            new { input = new { walletId = payer.UsdWalletId, paymentRequest = invoice } }))["lnInvoiceFeeProbe"]!;
        Assert.Null(btcProbe["amount"]);
        Assert.Equal("The wallet's currency does not match this payment.", btcProbe["errors"]![0]!["message"].Str());
        Assert.Equal("The wallet's currency does not match this payment.", (await NoAmountProbeAsync(payer.BtcWalletId, noAmount))["message"].Str());
        Assert.Equal("Invalid walletId for account.", (await ProbeAsync(merchant.UsdWalletId, invoice))["message"].Str());
        Assert.Equal("Invalid walletId for account.", (await NoAmountProbeAsync(merchant.UsdWalletId, noAmount))["message"].Str());
        var garbage = await ProbeAsync(payer.UsdWalletId, "lnbcrt1notaninvoice");
        Assert.Equal("INVALID_INPUT", garbage["code"].Str());
        Assert.StartsWith("Invalid payment request", garbage["message"].Str(), StringComparison.Ordinal);
        Assert.StartsWith("Invalid payment request", (await NoAmountProbeAsync(payer.UsdWalletId, "lnbcrt1notaninvoice"))["message"].Str(), StringComparison.Ordinal);
        Assert.Equal("The invoice has no amount: pay it with lnNoAmountInvoicePaymentSend or lnNoAmountUsdInvoicePaymentSend.",
            (await ProbeAsync(payer.UsdWalletId, noAmount))["message"].Str());
        Assert.Equal("The invoice has an amount: pay it with lnInvoicePaymentSend.", (await NoAmountProbeAsync(payer.UsdWalletId, invoice))["message"].Str());
        Assert.Equal("The invoice has expired.", (await ProbeAsync(payer.UsdWalletId, expired["paymentRequest"].Str()))["message"].Str());
        Assert.Equal("CANT_PAY_SELF", (await ProbeAsync(payer.UsdWalletId, own))["code"].Str());
        Assert.Contains("No route to external Lightning network configured", (await ProbeAsync(payer.UsdWalletId, ExternalInvoice(1_000_000)))["message"].Str(), StringComparison.Ordinal);
        Assert.Contains("No route to external Lightning network configured", (await NoAmountProbeAsync(payer.UsdWalletId, ExternalInvoice(null)))["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsdFeeProbes_NeedTheWriteScope()
    {
        var merchant = await server.NewUserAsync();
        var receiver = await server.NewUserAsync(cents: 500, grant: ["receive", "read"]);
        var invoice = (await server.CreateForRecipientAsync(merchant.BtcWalletId, 1_000))["paymentRequest"].Str();
        var noAmount = await NoAmountInvoiceAsync(merchant.BtcWalletId);

        var probe = await server.GraphQLAsync(receiver.Token, Probe, new { input = new { walletId = receiver.UsdWalletId, paymentRequest = invoice } });
        var noAmountProbe = await server.GraphQLAsync(receiver.Token, NoAmountProbe, new { input = new { walletId = receiver.UsdWalletId, paymentRequest = noAmount, amount = 100 } });
        var anonymous = await server.GraphQLAsync(null, Probe, new { input = new { walletId = receiver.UsdWalletId, paymentRequest = invoice } });

        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(probe)["code"].Str());
        Assert.Contains("write", ApiCalls.SingleError(probe)["message"].Str(), StringComparison.Ordinal);
        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(noAmountProbe)["code"].Str());
        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(anonymous)["code"].Str());
    }

    private async Task<string> NoAmountInvoiceAsync(Guid walletId) =>
        (await server.DataAsync(null, """
            mutation($input: LnNoAmountInvoiceCreateOnBehalfOfRecipientInput!) {
              lnNoAmountInvoiceCreateOnBehalfOfRecipient(input: $input) { errors { message } invoice { paymentRequest } } }
            """, new { input = new { recipientWalletId = walletId } }))["lnNoAmountInvoiceCreateOnBehalfOfRecipient"]!["invoice"]!["paymentRequest"].Str();

    /// <summary>A valid invoice of another node, which only the (absent) Lightning connector could pay.</summary>
    private static string ExternalInvoice(long? amountMsat)
    {
        using var stranger = new Key();
        return Bolt11Encoder.Encode(new Bolt11Invoice
        {
            Network = Bolt11Network.Regtest,
            AmountMsat = amountMsat,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            PaymentHash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            PaymentSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            Description = "elsewhere",
            PayeeNodeId = stranger.PubKey.ToHex(),
        }, stranger);
    }
}

public sealed class SqliteUsdInvoiceTests(SqliteServerFixture server) : UsdInvoiceTests<SqliteServerFixture>(server);

public sealed class PostgresUsdInvoiceTests(PostgresServerFixture server) : UsdInvoiceTests<PostgresServerFixture>(server);
