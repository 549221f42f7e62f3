using System.Security.Cryptography;
using Glint.Lightning.Bolt11;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Lightning;
using Microsoft.Extensions.DependencyInjection;
using NBitcoin;

namespace Glint.Server.Tests.Lightning;

/// <summary>
/// Invoices from creation to payment through the API: paid once (even by concurrent payers), refused when expired,
/// cancelled or one's own, converted at the price for USD, and always leaving the ledger valid.
/// The configured price is the default $100,000 per bitcoin (10 sats a cent).
/// </summary>
public abstract class InvoiceLifecycleTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task PosInvoice_PaidByAnotherUser_MovesExactAmountsOnce()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 10_000);
        var late = await server.NewUserAsync(sats: 10_000);
        var wallet = (await server.DataAsync(null, "query($u: Username!) { accountDefaultWallet(username: $u) { id } }", new { u = merchant.Username }))["accountDefaultWallet"]!;
        var invoice = await server.CreateForRecipientAsync(Guid.Parse(wallet["id"].Str()), 1_234, "coffee");
        Assert.Equal("PENDING", invoice["paymentStatus"].Str());
        Assert.Equal(1_234, invoice["satoshis"].Number());

        var paid = await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str());

        Assert.Equal("SUCCESS", paid["status"].Str());
        var transaction = paid["transaction"]!;
        Assert.Equal(-1_234, transaction["settlementAmount"].Number());
        Assert.Equal("InitiationViaLn", transaction["initiationVia"]!["__typename"].Str());
        Assert.Equal(invoice["paymentHash"].Str(), transaction["initiationVia"]!["paymentHash"].Str());
        Assert.Equal(invoice["paymentRequest"].Str(), transaction["initiationVia"]!["paymentRequest"].Str());
        var preimage = Convert.FromHexString(transaction["settlementVia"]!["preImage"].Str());
        Assert.Equal(invoice["paymentHash"].Str(), Convert.ToHexStringLower(SHA256.HashData(preimage)));
        Assert.Equal("PAID", await server.StatusAsync(invoice["paymentHash"].Str()));

        var second = await server.PayAsync(late.Token, late.BtcWalletId, invoice["paymentRequest"].Str());
        Assert.Equal("ALREADY_PAID", second["status"].Str());
        Assert.Empty(second["errors"]!.AsArray());

        Assert.Equal(10_000 - 1_234, await server.BalanceAsync(payer.BtcWalletId));
        Assert.Equal(10_000, await server.BalanceAsync(late.BtcWalletId));
        Assert.Equal(1_234, await server.BalanceAsync(merchant.BtcWalletId));
        await server.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task Invoice_IsARealBolt11InvoiceSignedByTheNode()
    {
        var merchant = await server.NewUserAsync();
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 2_500, "ナンセンス 1杯");

        var decoded = Bolt11Parser.Parse(invoice["paymentRequest"].Str());

        Assert.Equal(server.Services.GetRequiredService<LightningNode>().NodeId, decoded.PayeeNodeId);
        Assert.Equal(Bolt11Network.Regtest, decoded.Network);
        Assert.StartsWith("lnbcrt25u1", invoice["paymentRequest"].Str(), StringComparison.Ordinal);
        Assert.Equal(2_500_000, decoded.AmountMsat);
        Assert.Equal("ナンセンス 1杯", decoded.Description);
        Assert.Equal(invoice["paymentHash"].Str(), decoded.PaymentHash);
        Assert.Equal(invoice["paymentSecret"].Str(), decoded.PaymentSecret);
        Assert.Equal(24 * 3600, decoded.ExpirySeconds);
    }

    [Fact]
    public async Task DescriptionHash_IsSignedInsteadOfTheMemo()
    {
        var merchant = await server.NewUserAsync();
        var hash = Convert.ToHexStringLower(SHA256.HashData("a nostr zap request"u8));

        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 21, "zap", hash);

        var decoded = Bolt11Parser.Parse(invoice["paymentRequest"].Str());
        Assert.Equal(hash, decoded.DescriptionHash);
        Assert.Null(decoded.Description);
    }

    [Fact]
    public async Task ConcurrentPayers_ExactlyOnePays()
    {
        var merchant = await server.NewUserAsync();
        var payers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => server.NewUserAsync(sats: 5_000)));
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 3_000);

        var outcomes = await Task.WhenAll(payers.Select(payer => Task.Run(() => server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str()))));

        Assert.Single(outcomes, outcome => outcome["status"].Str() == "SUCCESS");
        Assert.All(outcomes.Where(outcome => outcome["status"].Str() != "SUCCESS"), outcome => Assert.Equal("ALREADY_PAID", outcome["status"].Str()));
        Assert.Equal(3_000, await server.BalanceAsync(merchant.BtcWalletId));
        var balances = await Task.WhenAll(payers.Select(payer => server.BalanceAsync(payer.BtcWalletId)));
        Assert.Equal(payers.Length * 5_000 - 3_000, balances.Sum());
        await server.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task ExpiredInvoice_IsRefused_AndShowsExpired()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 5_000);
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 1_000);
        await server.ExpireAsync(invoice["paymentHash"].Str());

        var outcome = await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str());

        Assert.Equal("FAILURE", outcome["status"].Str());
        Assert.Equal("The invoice has expired.", outcome["errors"]![0]!["message"].Str());
        Assert.Equal("EXPIRED", await server.StatusAsync(invoice["paymentHash"].Str()));
        Assert.Equal(5_000, await server.BalanceAsync(payer.BtcWalletId));
        Assert.Equal(0, await server.BalanceAsync(merchant.BtcWalletId));
    }

    [Fact]
    public async Task CancelledInvoice_IsRefused()
    {
        var merchant = await server.NewUserAsync(grant: ["receive"]);
        var payer = await server.NewUserAsync(sats: 5_000);
        var created = (await server.DataAsync(merchant.Token, $$"""
            mutation($input: LnInvoiceCreateInput!) { lnInvoiceCreate(input: $input) { errors { message } invoice { {{InvoiceCalls.InvoiceFields}} } } }
            """, new { input = new { walletId = merchant.BtcWalletId, amount = 700 } }))["lnInvoiceCreate"]!["invoice"]!;

        var cancelled = (await server.DataAsync(merchant.Token, """
            mutation($input: LnInvoiceCancelInput!) { lnInvoiceCancel(input: $input) { errors { message } success } }
            """, new { input = new { walletId = merchant.BtcWalletId, paymentHash = created["paymentHash"].Str() } }))["lnInvoiceCancel"]!;
        var outcome = await server.PayAsync(payer.Token, payer.BtcWalletId, created["paymentRequest"].Str());

        Assert.True(cancelled["success"]!.GetValue<bool>());
        Assert.Equal("FAILURE", outcome["status"].Str());
        Assert.Equal("The invoice was cancelled.", outcome["errors"]![0]!["message"].Str());
        Assert.Equal("EXPIRED", await server.StatusAsync(created["paymentHash"].Str()));
        Assert.Equal(5_000, await server.BalanceAsync(payer.BtcWalletId));
    }

    [Fact]
    public async Task OwnInvoice_IsRefused()
    {
        var merchant = await server.NewUserAsync(sats: 5_000, cents: 500);
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 1_000);

        var fromBtc = await server.PayAsync(merchant.Token, merchant.BtcWalletId, invoice["paymentRequest"].Str());
        var fromUsd = await server.PayAsync(merchant.Token, merchant.UsdWalletId, invoice["paymentRequest"].Str());

        Assert.Equal("CANT_PAY_SELF", fromBtc["errors"]![0]!["code"].Str());
        Assert.Equal("CANT_PAY_SELF", fromUsd["errors"]![0]!["code"].Str());
        Assert.Equal(5_000, await server.BalanceAsync(merchant.BtcWalletId));
        Assert.Equal("PENDING", await server.StatusAsync(invoice["paymentHash"].Str()));
    }

    [Fact]
    public async Task UsdInvoice_AsksForTheCoveringSats_AndCreditsExactlyItsCents()
    {
        var merchant = await server.NewUserAsync(grant: ["receive"]);
        var payer = await server.NewUserAsync(sats: 1_000_000);
        var invoice = (await server.DataAsync(merchant.Token, $$"""
            mutation($input: LnUsdInvoiceCreateInput!) { lnUsdInvoiceCreate(input: $input) { errors { message } invoice { {{InvoiceCalls.InvoiceFields}} satoshis } } }
            """, new { input = new { walletId = merchant.UsdWalletId, amount = 250 } }))["lnUsdInvoiceCreate"]!["invoice"]!;
        var decoded = Bolt11Parser.Parse(invoice["paymentRequest"].Str());

        var outcome = await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str());

        // $2.50 at $100,000 per bitcoin (10 sats a cent) is 2,500 sats; the invoice lives Blink's five minutes.
        Assert.Equal(2_500, invoice["satoshis"].Number());
        Assert.Equal(300, decoded.ExpirySeconds);
        Assert.Equal("SUCCESS", outcome["status"].Str());
        Assert.Equal(1_000_000 - 2_500, await server.BalanceAsync(payer.BtcWalletId));
        Assert.Equal(250, await server.BalanceAsync(merchant.UsdWalletId));
        await server.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task UsdWallet_PayingASatsInvoice_PaysTheCoveringCentsRoundedUp()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(cents: 1_000);
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 1_505);

        var outcome = await server.PayAsync(payer.Token, payer.UsdWalletId, invoice["paymentRequest"].Str());

        // 1,505 sats are 150.5 cents: the payer pays 151, the merchant gets exactly 1,505 sats.
        Assert.Equal("SUCCESS", outcome["status"].Str());
        Assert.Equal(1_000 - 151, await server.BalanceAsync(payer.UsdWalletId));
        Assert.Equal(1_505, await server.BalanceAsync(merchant.BtcWalletId));
        await server.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task NoAmountInvoice_IsPaidWithTheChosenAmount()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 5_000, cents: 500);
        var invoice = (await server.DataAsync(null, """
            mutation($input: LnNoAmountInvoiceCreateOnBehalfOfRecipientInput!) {
              lnNoAmountInvoiceCreateOnBehalfOfRecipient(input: $input) { errors { message } invoice { __typename paymentRequest paymentHash } } }
            """, new { input = new { recipientWalletId = merchant.BtcWalletId } }))["lnNoAmountInvoiceCreateOnBehalfOfRecipient"]!["invoice"]!;
        var request = invoice["paymentRequest"].Str();

        var withoutAmount = await server.PayAsync(payer.Token, payer.BtcWalletId, request);
        var paid = (await server.DataAsync(payer.Token, $$"""
            mutation($input: LnNoAmountInvoicePaymentInput!) { lnNoAmountInvoicePaymentSend(input: $input) { {{InvoiceCalls.PaymentFields}} } }
            """, new { input = new { walletId = payer.BtcWalletId, paymentRequest = request, amount = 777 } }))["lnNoAmountInvoicePaymentSend"]!;

        Assert.Equal("LnNoAmountInvoice", invoice["__typename"].Str());
        Assert.Equal("FAILURE", withoutAmount["status"].Str());
        Assert.Equal("SUCCESS", paid["status"].Str());
        Assert.Equal(777, await server.BalanceAsync(merchant.BtcWalletId));
        Assert.Equal(5_000 - 777, await server.BalanceAsync(payer.BtcWalletId));
    }

    [Fact]
    public async Task FeeProbe_IsZeroInsideGlint_AndAnExternalInvoiceHasNoRoute()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 5_000);
        var ours = await server.CreateForRecipientAsync(merchant.BtcWalletId, 1_000);
        using var stranger = new Key();
        var external = Bolt11Encoder.Encode(new Bolt11Invoice
        {
            Network = Bolt11Network.Regtest,
            AmountMsat = 1_000_000,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            PaymentHash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            PaymentSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            Description = "elsewhere",
            PayeeNodeId = stranger.PubKey.ToHex(),
        }, stranger);
        const string probe = "mutation($input: LnInvoiceFeeProbeInput!) { lnInvoiceFeeProbe(input: $input) { errors { code message } amount } }";

        var ourFee = (await server.DataAsync(payer.Token, probe, new { input = new { walletId = payer.BtcWalletId, paymentRequest = ours["paymentRequest"].Str() } }))["lnInvoiceFeeProbe"]!;
        var theirFee = (await server.DataAsync(payer.Token, probe, new { input = new { walletId = payer.BtcWalletId, paymentRequest = external } }))["lnInvoiceFeeProbe"]!;
        var payment = await server.PayAsync(payer.Token, payer.BtcWalletId, external);

        Assert.Equal(0, ourFee["amount"].Number());
        Assert.Null(theirFee["amount"]);
        Assert.Contains("No route to external Lightning network configured", theirFee["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
        Assert.Equal("FAILURE", payment["status"].Str());
        Assert.Contains("No route to external Lightning network configured", payment["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
        Assert.Equal(5_000, await server.BalanceAsync(payer.BtcWalletId));
    }

    [Fact]
    public async Task BadPaymentRequests_AreClearErrors()
    {
        var payer = await server.NewUserAsync(sats: 5_000);

        var garbage = await server.PayAsync(payer.Token, payer.BtcWalletId, "lnbcrt1notaninvoice");
        var mainnet = await server.PayAsync(payer.Token, payer.BtcWalletId,
            "lnbc1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq9qrsgq357wnc5r2ueh7ck6q93dj32dlqnls087fxdwk8qakdyafkq3yap9us6v52vjjsrvywa6rt52cm9r9zqt8r2t7mlcwspyetp5h2tztugp9lfyql");

        Assert.Equal("INVALID_INPUT", garbage["errors"]![0]!["code"].Str());
        Assert.StartsWith("Invalid payment request", garbage["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
        Assert.Contains("regtest", mainnet["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scopes_ReceiveCreatesButCannotPay_ReadCannotCreate()
    {
        var receiver = await server.NewUserAsync(sats: 5_000, grant: ["receive"]);
        var reader = await server.NewUserAsync(grant: ["read"]);
        var merchant = await server.NewUserAsync();
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 10);
        const string create = "mutation($input: LnInvoiceCreateInput!) { lnInvoiceCreate(input: $input) { errors { message } invoice { paymentHash } } }";

        var created = await server.DataAsync(receiver.Token, create, new { input = new { walletId = receiver.BtcWalletId, amount = 10 } });
        var readerCreates = await server.GraphQLAsync(reader.Token, create, new { input = new { walletId = reader.BtcWalletId, amount = 10 } });
        var receiverPays = await server.GraphQLAsync(receiver.Token, $$"""
            mutation($input: LnInvoicePaymentInput!) { lnInvoicePaymentSend(input: $input) { {{InvoiceCalls.PaymentFields}} } }
            """, new { input = new { walletId = receiver.BtcWalletId, paymentRequest = invoice["paymentRequest"].Str() } });
        var stranger = await server.GraphQLAsync(receiver.Token, create, new { input = new { walletId = merchant.BtcWalletId, amount = 10 } });

        Assert.NotNull(created["lnInvoiceCreate"]!["invoice"]);
        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(readerCreates)["code"].Str());
        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(receiverPays)["code"].Str());
        Assert.Equal("Invalid walletId for account.", stranger["data"]!["lnInvoiceCreate"]!["errors"]![0]!["message"].Str());
        Assert.Equal(5_000, await server.BalanceAsync(receiver.BtcWalletId));
    }

    [Fact]
    public async Task Creation_IsBoundedAndRateLimitedPerRecipient()
    {
        var merchant = await server.NewUserAsync();
        const string create = """
            mutation($input: LnInvoiceCreateOnBehalfOfRecipientInput!) { lnInvoiceCreateOnBehalfOfRecipient(input: $input) { errors { code message } invoice { paymentHash } } }
            """;

        var tooLarge = await server.DataAsync(null, create, new { input = new { recipientWalletId = merchant.BtcWalletId, amount = 1_000_000_001 } });
        using var longMemo = await server.PostGraphQLAsync(null, create, new { input = new { recipientWalletId = merchant.BtcWalletId, amount = 1, memo = new string('m', 640) } });
        var codes = new List<string?>();
        for (var i = 0; i < 61; i++)
        {
            var payload = (await server.DataAsync(null, create, new { input = new { recipientWalletId = merchant.BtcWalletId, amount = 1 } }))["lnInvoiceCreateOnBehalfOfRecipient"]!;
            codes.Add(payload["errors"]!.AsArray().FirstOrDefault()?["code"]?.GetValue<string>());
        }

        Assert.Equal("INVALID_INPUT", tooLarge["lnInvoiceCreateOnBehalfOfRecipient"]!["errors"]![0]!["code"].Str());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, longMemo.StatusCode);
        Assert.Contains("BAD_USER_INPUT", await longMemo.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(60, codes.Count(code => code is null));
        Assert.Equal("TOO_MANY_REQUEST", codes[^1]);
    }

    [Fact]
    public async Task Invoices_AreListedOnAccountAndWallet_AndFoundByHash()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 5_000);
        var first = await server.CreateForRecipientAsync(merchant.BtcWalletId, 100);
        var second = await server.CreateForRecipientAsync(merchant.BtcWalletId, 200);
        await server.PayAsync(payer.Token, payer.BtcWalletId, first["paymentRequest"].Str());

        var data = await server.DataAsync(merchant.Token, """
            query($hash: PaymentHash!, $wallet: WalletId!) { me { defaultAccount {
              invoices(first: 10) { edges { cursor node { __typename paymentHash paymentStatus ... on LnInvoice { satoshis } } } pageInfo { hasNextPage } }
              walletById(walletId: $wallet) { id invoices(first: 1) { edges { node { paymentHash } } pageInfo { hasNextPage } }
                invoiceByPaymentHash(paymentHash: $hash) { paymentStatus }
                transactionsByPaymentHash(paymentHash: $hash) { settlementAmount settlementVia { __typename } } } } } }
            """, new { hash = first["paymentHash"].Str(), wallet = merchant.BtcWalletId });

        var account = data["me"]!["defaultAccount"]!;
        var edges = account["invoices"]!["edges"]!.AsArray();
        Assert.Equal([second["paymentHash"].Str(), first["paymentHash"].Str()], edges.Select(edge => edge!["node"]!["paymentHash"].Str()));
        Assert.Equal(["PENDING", "PAID"], edges.Select(edge => edge!["node"]!["paymentStatus"].Str()));
        var btc = account["walletById"]!;
        Assert.True(btc["invoices"]!["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
        Assert.Equal("PAID", btc["invoiceByPaymentHash"]!["paymentStatus"].Str());
        Assert.Equal(100, btc["transactionsByPaymentHash"]![0]!["settlementAmount"].Number());
        Assert.Equal("SettlementViaLn", btc["transactionsByPaymentHash"]![0]!["settlementVia"]!["__typename"].Str());
    }
}

public sealed class SqliteInvoiceLifecycleTests(SqliteServerFixture server) : InvoiceLifecycleTests<SqliteServerFixture>(server);

public sealed class PostgresInvoiceLifecycleTests(PostgresServerFixture server) : InvoiceLifecycleTests<PostgresServerFixture>(server);
