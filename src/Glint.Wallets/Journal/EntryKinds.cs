using Glint.Ledger;

namespace Glint.Wallets.Journal;

/// <summary>How the database spells the kinds of journal entry.</summary>
public static class EntryKinds
{
    public const string Credit = "credit";
    public const string IntraLedger = "intra_ledger";
    public const string Conversion = "conversion";

    public static string Of(JournalEntryKind kind) => kind switch
    {
        JournalEntryKind.Credit => Credit,
        JournalEntryKind.IntraLedgerPayment => IntraLedger,
        JournalEntryKind.Conversion => Conversion,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind of journal entry."),
    };

    public static JournalEntryKind Parse(string kind) => kind switch
    {
        Credit => JournalEntryKind.Credit,
        IntraLedger => JournalEntryKind.IntraLedgerPayment,
        Conversion => JournalEntryKind.Conversion,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind of journal entry."),
    };
}
