namespace Glint.Ledger;

public enum ViolationKind
{
    /// <summary>A stored entry breaks an entry rule: too few postings, a zero or oversized amount, a currency mismatch, unbalanced…</summary>
    InvalidEntry = 1,

    /// <summary>A wallet is below zero after an entry.</summary>
    NegativeWallet = 2,

    /// <summary>All postings of a currency do not add up to zero: money appeared or vanished.</summary>
    CurrencySumNotZero = 3,

    /// <summary>Two entries share an id.</summary>
    DuplicateEntryId = 4,

    /// <summary>Two entries share an idempotency key: a retry moved money twice.</summary>
    DuplicateIdempotencyKey = 5,

    /// <summary>A balance the store keeps differs from the sum of the account's postings: an update was lost.</summary>
    BalanceMismatch = 6,
}
