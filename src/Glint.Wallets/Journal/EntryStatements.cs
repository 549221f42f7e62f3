using System.Globalization;
using System.Text;
using Glint.Ledger;
using Glint.Ledger.Storage;

namespace Glint.Wallets.Journal;

/// <summary>What a statement's parameter holds, so that each provider can bind it the way its columns store it.</summary>
internal enum ValueKind
{
    Id,
    Time,
    Text,
    Number,
}

internal sealed record SqlValue(string Name, object? Value, ValueKind Kind);

internal sealed record SqlStatement(string Text, IReadOnlyList<SqlValue> Values);

/// <summary>
/// The SQL of one append. On PostgreSQL, in the order it runs: the entry (which takes the idempotency key first, so a
/// replay wins over any refusal), one balance update per wallet in wallet-id order (so two opposite payments cannot
/// deadlock), the postings, and the callback outbox. The statements run as one batch in one implicit transaction, and
/// every refusal is an error that rolls the whole batch back: the key's unique index, the wallets' non-negative CHECK,
/// the posting's currency read from its wallet (NULL, so NOT NULL fails, when the wallet does not hold that currency
/// or does not exist), and the entry missing because its condition did not hold (an invoice claim, or the payer's
/// or the receiver's account no longer active: the postings' foreign key). On
/// SQLite, where a statement is a call rather than a round trip, each step checks its own result inside one immediate
/// transaction instead.
/// </summary>
internal sealed class EntryStatements
{
    public const string PaidStatus = "PAID";
    public const string PendingStatus = "PENDING";

    private readonly LedgerAppend _append;
    private readonly InvoiceClaim? _claim;
    private readonly PayerCheck? _payer;

    public EntryStatements(LedgerAppend append, InvoiceClaim? claim, PayerCheck? payer = null)
    {
        _append = append;
        _claim = claim;
        _payer = payer;
        WalletPostings = [.. append.Entry.Postings.Where(posting => posting.Account.IsWallet).OrderBy(posting => posting.Account.WalletId)];
    }

    private JournalEntry Entry => _append.Entry;

    /// <summary>Whether the entry is written only when a condition holds (a claim or the payer's check), in the batch's entry insert.</summary>
    private bool Conditional => _claim is not null || _payer is not null;

    /// <summary>The wallet postings in the order their balances are updated.</summary>
    public IReadOnlyList<Posting> WalletPostings { get; }

    /// <summary>
    /// PostgreSQL's statements of the append, in the order they run: the entry (with its condition), the balances,
    /// then the postings (their ids are then drawn once the wallets are locked, so their order is an order the balances
    /// really went through, which <c>glint ledger verify</c> replays), and last the callback deliveries.
    /// </summary>
    public IReadOnlyList<SqlStatement> Batched() =>
        [InsertEntry(withCondition: true), .. WalletPostings.Select(posting => MoveBalance(posting, guarded: false)), InsertPostings(), InsertCallbackDeliveries()];

    /// <summary>
    /// Inserts the entry. On PostgreSQL (<paramref name="withCondition"/>) with a claim, only when the claim holds (a
    /// data-modifying CTE); with a payer's check, only while the payer's and the receiver's accounts are active, its details completed with
    /// both accounts' usernames as they are then. On SQLite the caller has checked, and gives the completed
    /// <paramref name="details"/>.
    /// </summary>
    public SqlStatement InsertEntry(bool withCondition, string? details = null)
    {
        const string Columns = "\"Id\", \"Kind\", \"IdempotencyKey\", \"InitiatorAccountId\", \"Memo\", \"Details\", \"CreatedAt\"";
        const string Values = "@id, @kind, @key, @initiator, @memo, @details, @at";
        List<SqlValue> values =
        [
            new("id", Entry.Id, ValueKind.Id),
            new("kind", EntryKinds.Of(Entry.Kind), ValueKind.Text),
            new("key", Entry.IdempotencyKey, ValueKind.Text),
            new("initiator", _append.Initiator, ValueKind.Id),
            new("memo", Entry.Memo, ValueKind.Text),
            new("details", details ?? _append.Details, ValueKind.Text),
            new("at", Entry.Timestamp, ValueKind.Time),
        ];
        if (withCondition && _payer is { } payer)
        {
            AddPayerValues(values, payer);
            return new SqlStatement(
                $"INSERT INTO ledger_entries ({Columns}) SELECT @id, @kind, @key, @initiator, @memo, " +
                $"(COALESCE(CAST(@details AS jsonb), '{{}}') || jsonb_strip_nulls(jsonb_build_object('{EntryDetails.PayerUsernameKey}', p.\"Username\", " +
                $"'{EntryDetails.ReceiverUsernameKey}', r.\"Username\")))::text, @at " +
                $"FROM {PayerSql}",
                values);
        }

        if (!withCondition || _claim is null)
        {
            return new SqlStatement($"INSERT INTO ledger_entries ({Columns}) VALUES ({Values})", values);
        }

        AddClaimValues(values);
        return new SqlStatement(
            $"WITH claimed AS ({ClaimSql} RETURNING 1) INSERT INTO ledger_entries ({Columns}) SELECT {Values} FROM claimed", values);
    }

    /// <summary>Marks the claimed invoice paid by this entry, if it is still pending.</summary>
    public SqlStatement ClaimInvoice()
    {
        var values = new List<SqlValue> { new("id", Entry.Id, ValueKind.Id), new("at", Entry.Timestamp, ValueKind.Time) };
        AddClaimValues(values);
        return new SqlStatement(ClaimSql, values);
    }

    /// <summary>All postings in one statement; a wallet posting's currency is read from its wallet.</summary>
    public SqlStatement InsertPostings()
    {
        var sql = new StringBuilder("INSERT INTO ledger_postings (\"EntryId\", \"LedgerAccount\", \"WalletId\", \"Currency\", \"Amount\", \"CreatedAt\") VALUES ");
        var values = new List<SqlValue> { new("id", Entry.Id, ValueKind.Id), new("at", Entry.Timestamp, ValueKind.Time) };
        for (var index = 0; index < Entry.Postings.Length; index++)
        {
            var posting = Entry.Postings[index];
            var n = index.ToString(CultureInfo.InvariantCulture);
            sql.Append(index == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                $"(@id, @p{n}account, {(posting.Account.IsWallet ? $"@p{n}wallet, (SELECT \"Currency\" FROM wallets WHERE \"Id\" = @p{n}wallet AND \"Currency\" = @p{n}currency)" : $"NULL, @p{n}currency")}, @p{n}amount, @at)");
            values.Add(new("p" + n + "account", posting.Account.Id, ValueKind.Text));
            if (posting.Account.IsWallet)
            {
                values.Add(new("p" + n + "wallet", posting.Account.WalletId, ValueKind.Id));
            }

            values.Add(new("p" + n + "currency", CurrencyCodes.Of(posting.Amount.Currency), ValueKind.Text));
            values.Add(new("p" + n + "amount", posting.Amount.MinorUnits, ValueKind.Number));
        }

        return new SqlStatement(sql.ToString(), values);
    }

    /// <summary>
    /// The callback outbox: one pending delivery per enabled endpoint of each account whose wallet the entry moves,
    /// written with the entry so that an entry never commits without its deliveries nor they without it. An account
    /// with no endpoint costs an index lookup and writes nothing. The event type is Blink's: the direction seen from
    /// the wallet, and how the payment was started (an invoice is <c>lightning</c>, anything else <c>intraledger</c>).
    /// </summary>
    public SqlStatement InsertCallbackDeliveries()
    {
        var via = _claim is null ? "intraledger" : "lightning";
        var values = new List<SqlValue>
        {
            new("id", Entry.Id, ValueKind.Id),
            new("at", Entry.Timestamp, ValueKind.Time),
            new("queued", "pending", ValueKind.Text),
        };
        var cases = new StringBuilder();
        var wallets = new StringBuilder();
        for (var index = 0; index < WalletPostings.Count; index++)
        {
            var posting = WalletPostings[index];
            var n = index.ToString(CultureInfo.InvariantCulture);
            cases.Append(CultureInfo.InvariantCulture, $" WHEN @d{n}wallet THEN @d{n}type");
            wallets.Append(index == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"@d{n}wallet");
            values.Add(new("d" + n + "wallet", posting.Account.WalletId, ValueKind.Id));
            values.Add(new("d" + n + "type", (posting.Amount.IsNegative ? "send." : "receive.") + via, ValueKind.Text));
        }

        return new SqlStatement(
            "INSERT INTO callback_deliveries (\"EndpointId\", \"EntryId\", \"WalletId\", \"EventType\", \"Status\", \"Attempts\", \"NextAttemptAt\", \"CreatedAt\") " +
            $"SELECT e.\"Id\", @id, w.\"Id\", CASE w.\"Id\"{cases} END, @queued, 0, @at, @at " +
            "FROM wallets w JOIN callback_endpoints e ON e.\"AccountId\" = w.\"AccountId\" AND e.\"DisabledAt\" IS NULL " +
            $"WHERE w.\"Id\" IN ({wallets})",
            values);
    }

    /// <summary>
    /// Moves a wallet's balance. <paramref name="guarded"/> adds the conditions SQLite checks by the rows it touched
    /// (the wallet holds the currency, the balance stays non-negative); PostgreSQL relies on the CHECK constraint and
    /// the posting's currency instead, so that a refusal is an error that ends the batch.
    /// </summary>
    public SqlStatement MoveBalance(Posting posting, bool guarded)
    {
        var values = new List<SqlValue>
        {
            new("amount", posting.Amount.MinorUnits, ValueKind.Number),
            new("wallet", posting.Account.WalletId, ValueKind.Id),
        };
        if (!guarded && !Conditional)
        {
            return new SqlStatement("UPDATE wallets SET \"Balance\" = \"Balance\" + @amount WHERE \"Id\" = @wallet", values);
        }

        if (!guarded)
        {
            // When the condition did not hold there is no entry: nothing moves, and the postings' foreign key says why.
            values.Add(new("id", Entry.Id, ValueKind.Id));
            return new SqlStatement(
                "UPDATE wallets SET \"Balance\" = \"Balance\" + @amount WHERE \"Id\" = @wallet AND EXISTS (SELECT 1 FROM ledger_entries WHERE \"Id\" = @id)",
                values);
        }

        values.Add(new("currency", CurrencyCodes.Of(posting.Amount.Currency), ValueKind.Text));
        return new SqlStatement(
            "UPDATE wallets SET \"Balance\" = \"Balance\" + @amount WHERE \"Id\" = @wallet AND \"Currency\" = @currency AND \"Balance\" + @amount >= 0",
            values);
    }

    /// <summary>The entry that already holds the initiator's idempotency key.</summary>
    public static SqlStatement FindByKey(Guid? initiator, string key) => new(
        initiator is null
            ? "SELECT \"Id\" FROM ledger_entries WHERE \"InitiatorAccountId\" IS NULL AND \"IdempotencyKey\" = @key"
            : "SELECT \"Id\" FROM ledger_entries WHERE \"InitiatorAccountId\" = @initiator AND \"IdempotencyKey\" = @key",
        [new("initiator", initiator, ValueKind.Id), new("key", key, ValueKind.Text)]);

    /// <summary>Whether a wallet exists in a currency (read only after a refusal, to say which one).</summary>
    public static SqlStatement WalletExists(Posting posting) => new(
        "SELECT COUNT(*) FROM wallets WHERE \"Id\" = @wallet AND \"Currency\" = @currency",
        [new("wallet", posting.Account.WalletId, ValueKind.Id), new("currency", CurrencyCodes.Of(posting.Amount.Currency), ValueKind.Text)]);

    /// <summary>
    /// SQLite: both accounts' usernames, as one row only while the payer's account is the user's and both are active (read in
    /// the write's transaction, under the writer lock, so it still holds when the entry commits).
    /// </summary>
    public SqlStatement PayerUsernames()
    {
        var values = new List<SqlValue> { new("initiator", _append.Initiator, ValueKind.Id) };
        AddPayerValues(values, _payer ?? throw new InvalidOperationException("The append has no payer to check."));
        return new SqlStatement($"SELECT p.\"Username\", r.\"Username\" FROM {PayerSql}", values);
    }

    // The payer's account (the entry's initiator) and the receiver's, one row only while both accounts are active.
    private const string PayerSql =
        $"accounts p JOIN accounts r ON r.\"Id\" = @receiver AND r.\"Status\" = '{Data.Wallets.AccountStatus.Active}' " +
        $"WHERE p.\"Id\" = @initiator AND p.\"UserId\" = @user AND p.\"Status\" = '{Data.Wallets.AccountStatus.Active}'";

    private static void AddPayerValues(List<SqlValue> values, PayerCheck payer)
    {
        values.Add(new("user", payer.UserId, ValueKind.Id));
        values.Add(new("receiver", payer.ReceiverAccountId, ValueKind.Id));
    }

    private const string ClaimSql =
        "UPDATE lightning_invoices SET \"Status\" = @paid, \"PaidAt\" = @at, \"PaidEntryId\" = @id WHERE \"PaymentHash\" = @hash AND \"Status\" = @pending";

    private void AddClaimValues(List<SqlValue> values)
    {
        values.Add(new("paid", PaidStatus, ValueKind.Text));
        values.Add(new("pending", PendingStatus, ValueKind.Text));
        values.Add(new("hash", _claim!.PaymentHash, ValueKind.Text));
    }
}
