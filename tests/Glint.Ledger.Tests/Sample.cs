namespace Glint.Ledger.Tests;

/// <summary>Fresh accounts and headers, so that each test owns its data.</summary>
internal static class Sample
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly BtcUsdPrice Price = new(6_543_210); // $65,432.10 per BTC

    public static EntryHeader Header(string? idempotencyKey = null, DateTimeOffset? at = null) =>
        new(Guid.NewGuid(), at ?? Start, idempotencyKey, memo: null);

    public static LedgerAccount BtcWallet() => LedgerAccount.Wallet(Guid.NewGuid(), Currency.Btc);

    public static LedgerAccount UsdWallet() => LedgerAccount.Wallet(Guid.NewGuid(), Currency.Usd);

    public static JournalEntry Credit(LedgerAccount wallet, long amount, EntryHeader? header = null) =>
        Movements.Credit(header ?? Header(), wallet, new Money(amount, wallet.Currency)).Value;

    public static JournalEntry Pay(LedgerAccount payer, LedgerAccount receiver, long amount, EntryHeader? header = null) =>
        Movements.Payment(header ?? Header(), payer, receiver, new Money(amount, payer.Currency), Price).Value;

    /// <summary>Balances after applying <paramref name="entries"/>, which must all be accepted.</summary>
    public static Balances Applied(params JournalEntry[] entries) =>
        entries.Aggregate(Balances.Empty, (balances, entry) => balances.Apply(entry).Value);
}
