namespace Glint.Ledger;

/// <summary>Why an entry exists; the wallet module turns it into Blink's initiation and settlement kinds.</summary>
public enum JournalEntryKind
{
    /// <summary>The operator funds a wallet from the funding account of its currency.</summary>
    Credit = 1,

    /// <summary>A payment between two wallets of the same currency.</summary>
    IntraLedgerPayment = 2,

    /// <summary>An intra-ledger payment across currencies (BTC→USD or USD→BTC), routed through the conversion accounts.</summary>
    Conversion = 3,
}
