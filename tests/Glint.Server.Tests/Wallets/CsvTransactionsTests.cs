using System.Globalization;
using System.Net;
using System.Text;
using CsvHelper;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Callbacks;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Login;
using Glint.Wallets.Queries;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Wallets;

/// <summary>
/// <c>csvTransactions</c> and the account page's download, read back with a CSV library: Blink's columns, one row per
/// transaction with its amounts, memo (commas, quotes and line breaks included) and UTC time; other accounts' wallets refused.
/// </summary>
public abstract class CsvTransactionsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Memo = "Lunch, \"tacos\"\nand a drink";

    private const string Csv = """
        query($walletIds: [WalletId!]!) { me { defaultAccount { csvTransactions(walletIds: $walletIds) } } }
        """;

    [Fact]
    public async Task CsvTransactions_ReadBack_MatchTheTransactions()
    {
        var payer = await server.NewUserAsync(sats: 50_000);
        var payee = await server.NewUserAsync();
        await server.CreditAsync(payer.UsdWalletId, 1_234, "top-up");
        var paid = await server.DataAsync(payer.Token, BlinkOperations.IntraLedgerBtcPaymentSend,
            new { input = new { walletId = payer.BtcWalletId, recipientWalletId = payee.BtcWalletId, amount = 4_321, memo = Memo } });
        Assert.Equal("SUCCESS", paid["intraLedgerPaymentSend"]!["status"].Str());

        var data = await server.DataAsync(payer.Token, Csv, new { walletIds = new[] { payer.BtcWalletId, payer.UsdWalletId } });
        var csv = Encoding.UTF8.GetString(Convert.FromBase64String(data["me"]!["defaultAccount"]!["csvTransactions"].Str()));
        var (header, rows) = Parse(csv);

        Assert.Equal(TransactionCsv.Columns, header);
        var transactions = await TransactionsAsync([payer.BtcWalletId, payer.UsdWalletId]);
        Assert.Equal(3, transactions.Count);
        Assert.Equal(transactions.Count, rows.Count);
        foreach (var (transaction, row) in transactions.Zip(rows))
        {
            Assert.Equal(transaction.Id.ToString(CultureInfo.InvariantCulture), row["id"]);
            Assert.Equal(transaction.WalletId.ToString(), row["walletId"]);
            Assert.Equal(transaction.EntryId.ToString(), row["journalId"]);
            Assert.Equal(transaction.Currency, row["currency"]);
            Assert.Equal(Math.Max(transaction.Amount, 0), long.Parse(row["credit"], NumberStyles.None, CultureInfo.InvariantCulture));
            Assert.Equal(Math.Max(-transaction.Amount, 0), long.Parse(row["debit"], NumberStyles.None, CultureInfo.InvariantCulture));
            Assert.Equal(transaction.CreatedAt.ToUnixTimeMilliseconds(),
                DateTimeOffset.ParseExact(row["timestamp"], "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds());
            Assert.Equal(transaction.Memo ?? "", row["memoFromPayer"]);
            Assert.Equal("on_us", row["type"]);
            Assert.Equal("USD", row["displayCurrency"]);
        }

        var sent = rows.Single(row => row["debit"] == "4321");
        Assert.Equal(Memo, sent["memoFromPayer"]);
        Assert.Equal(payee.BtcWalletId.ToString(), sent["recipientWalletId"]);
        Assert.Equal(payee.Username, sent["username"]);
        // 4,321 sats at the default $100,000 a bitcoin are worth $4.32.
        Assert.Equal("432", sent["displayAmount"]);
        Assert.Equal("4.32", sent["usd"]);
        var topUp = rows.Single(row => row["memoFromPayer"] == "top-up");
        Assert.Equal("1234", topUp["credit"]);
        Assert.Equal("12.34", topUp["usd"]);
        // RFC 4180: the memo's quotes are doubled inside a quoted field, and records end with CRLF.
        Assert.Contains("\"Lunch, \"\"tacos\"\"\nand a drink\"", csv, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvTransactions_OfAnotherAccountsWallet_IsRefused()
    {
        var owner = await server.NewUserAsync(sats: 1_000);
        var stranger = await server.NewUserAsync();

        var body = await server.GraphQLAsync(stranger.Token, Csv, new { walletIds = new[] { stranger.BtcWalletId, owner.BtcWalletId } });

        Assert.Equal("Invalid walletId for account.", ApiCalls.SingleError(body)["message"].Str());
        Assert.Null(body["data"]?["me"]?["defaultAccount"]);
    }

    [Fact]
    public async Task CsvTransactions_OfAWalletWithoutTransactions_IsTheHeaderAlone()
    {
        var user = await server.NewUserAsync();
        var data = await server.DataAsync(user.Token, Csv, new { walletIds = new[] { user.UsdWalletId } });
        var csv = Encoding.UTF8.GetString(Convert.FromBase64String(data["me"]!["defaultAccount"]!["csvTransactions"].Str()));
        Assert.Equal(string.Join(',', TransactionCsv.Columns) + "\r\n", csv);
    }

    [Fact]
    public async Task AccountPage_DownloadsTheCsv_WithItsFormToken()
    {
        using var pages = new LoginPages(server);
        var email = LoginRules.NewEmail();
        var (login, _) = await pages.GoAsync("/login");
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);
        await pages.SubmitAsync(code!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);
        var user = await server.AccountOfEmailAsync(email);
        await server.CreditAsync(user.BtcWalletId, 777, "a memo, with \"quotes\"\r\nand lines");
        var (account, _) = await pages.GoAsync("/account");
        Assert.Contains("data-testid=\"download-csv\"", account!.Html, StringComparison.Ordinal);

        var (refused, _) = await pages.SubmitAsync(account, "/account?handler=Csv", [], withCsrf: false);
        Assert.Equal(HttpStatusCode.BadRequest, refused!.Status);

        var (download, _) = await pages.SubmitAsync(account, "/account?handler=Csv", []);
        Assert.Equal(HttpStatusCode.OK, download!.Status);
        Assert.Equal("text/csv", download.Response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("attachment", download.Response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var (header, rows) = Parse(download.Html);
        Assert.Equal(TransactionCsv.Columns, header);
        var row = Assert.Single(rows);
        Assert.Equal("777", row["credit"]);
        Assert.Equal("a memo, with \"quotes\"\r\nand lines", row["memoFromPayer"]);
        Assert.Equal(user.BtcWalletId.ToString(), row["walletId"]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"https://evil.example\",\"refund\")")]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(1+1)")]
    public async Task A_memo_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(string memo)
    {
        var user = await server.NewUserAsync();
        await server.CreditAsync(user.BtcWalletId, 10, memo);

        var data = await server.DataAsync(user.Token, Csv, new { walletIds = new[] { user.BtcWalletId } });
        var (_, rows) = Parse(Encoding.UTF8.GetString(Convert.FromBase64String(data["me"]!["defaultAccount"]!["csvTransactions"].Str())));

        Assert.Equal("'" + memo, Assert.Single(rows)["memoFromPayer"]);
    }

    private static (List<string> Header, List<Dictionary<string, string>> Rows) Parse(string csv)
    {
        using var reader = CsvReader.FromText(csv, null);
        var header = reader.Headers.ToList();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(header.ToDictionary(column => column, reader.GetString));
        }

        return (header, rows);
    }

    private async Task<IReadOnlyList<WalletTransaction>> TransactionsAsync(Guid[] walletIds)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var page = await scope.ServiceProvider.GetRequiredService<WalletQueries>().TransactionsAsync(walletIds, 100, null, null, null, CancellationToken.None);
        return page.Items;
    }
}

public sealed class SqliteCsvTransactionsTests(SqliteServerFixture server) : CsvTransactionsTests<SqliteServerFixture>(server);

public sealed class PostgresCsvTransactionsTests(PostgresServerFixture server) : CsvTransactionsTests<PostgresServerFixture>(server);
