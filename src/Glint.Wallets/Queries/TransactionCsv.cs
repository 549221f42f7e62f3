using System.Globalization;
using System.Runtime.CompilerServices;
using Glint.Ledger;
using Glint.Wallets.Journal;

namespace Glint.Wallets.Queries;

/// <summary>
/// Transactions as CSV with the columns of Blink's export, in its order, for bookkeeping tools and spreadsheets:
/// RFC 4180 (a field holding a comma, a quote or a line break is quoted, quotes doubled, lines end with CRLF);
/// sats and cents as whole numbers of the wallet's currency (<c>credit</c>, <c>debit</c>, <c>fee</c>) and of the
/// display currency (<c>displayAmount</c>, <c>displayFee</c>, cents); <c>usd</c> and <c>feeUsd</c> in dollars with two
/// decimals, as Blink's legacy columns hold them; timestamps in UTC (ISO 8601). Every Glint payment is settled inside
/// Glint: a paid invoice is <c>ln_on_us</c>, any other movement <c>on_us</c>, and the on-chain columns stay empty.
/// </summary>
public static class TransactionCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "id", "walletId", "type", "credit", "debit", "fee", "currency", "timestamp", "pendingConfirmation", "journalId", "lnMemo",
        "usd", "feeUsd", "recipientWalletId", "username", "memoFromPayer", "paymentHash", "pubkey", "feeKnownInAdvance", "address",
        "txHash", "displayAmount", "displayFee", "displayCurrency",
    ];

    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<WalletTransaction> transactions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(transactions);
        await writer.WriteAsync(string.Join(',', Columns) + "\r\n");
        await foreach (var transaction in transactions.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(Row(transaction));
        }
    }

    /// <summary>Every transaction of the wallets, newest first, read a page at a time so no more than a page is held.</summary>
    public static async IAsyncEnumerable<WalletTransaction> AllAsync(
        WalletQueries queries, IReadOnlyCollection<Guid> walletIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queries);
        const int PageSize = 500;
        long? after = null;
        while (true)
        {
            var page = await queries.TransactionsAsync(walletIds, PageSize, after, null, null, cancellationToken);
            foreach (var transaction in page.Items)
            {
                yield return transaction;
            }

            if (!page.HasNextPage || page.Items.Count == 0)
            {
                yield break;
            }

            after = page.Items[^1].Id;
        }
    }

    private static string Row(WalletTransaction transaction)
    {
        var lightning = transaction.Details.PaymentHash is not null;
        var cents = Math.Abs(CentsOf(transaction));
        string[] fields =
        [
            Number(transaction.Id),
            transaction.WalletId.ToString("D"),
            lightning ? "ln_on_us" : "on_us",
            Number(Math.Max(transaction.Amount, 0)),
            Number(Math.Max(-transaction.Amount, 0)),
            "0",
            transaction.Currency,
            transaction.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            "false",
            transaction.EntryId.ToString("D"),
            lightning ? Text(transaction.Memo) : "",
            Dollars(cents),
            Dollars(0),
            transaction.CounterpartyWalletId?.ToString("D") ?? "",
            transaction.CounterpartyUsername ?? "",
            lightning ? "" : Text(transaction.Memo),
            transaction.Details.PaymentHash ?? "",
            "",
            "false",
            "",
            "",
            Number(cents),
            "0",
            "USD",
        ];
        return string.Join(',', fields.Select(Quoted)) + "\r\n";
    }

    /// <summary>The amount's worth in cents at the price it was settled at (a USD wallet's amount is cents already).</summary>
    private static long CentsOf(WalletTransaction transaction)
    {
        if (transaction.Currency != CurrencyCodes.Btc)
        {
            return transaction.Amount;
        }

        var magnitude = ((Int128)Math.Abs(transaction.Amount) * transaction.Details.CentsPerBitcoin + BtcUsdPrice.SatsPerBitcoin / 2) / BtcUsdPrice.SatsPerBitcoin;
        return (long)(transaction.Amount < 0 ? -magnitude : magnitude);
    }

    /// <summary>
    /// Text someone else wrote (a payer's memo): a spreadsheet would run a cell starting with <c>=</c>, <c>+</c>,
    /// <c>-</c>, <c>@</c>, a tab or a carriage return as a formula, so such a cell starts with an apostrophe instead,
    /// as OWASP's advice on CSV injection says.
    /// </summary>
    private static string Text(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Dollars(long cents) => (cents / 100m).ToString("F2", CultureInfo.InvariantCulture);

    private static string Quoted(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
