namespace Glint.Ledger;

/// <summary>
/// Why the ledger refused a movement. The set is closed (the sealed records in this namespace), so the wallet module
/// can map each one to its Blink error code with an exhaustive switch. Failures are values, not exceptions: a refused
/// payment is an ordinary outcome. Exceptions are kept for bugs (null arguments, an unknown currency, an overflow).
/// </summary>
public abstract record LedgerFailure
{
    private protected LedgerFailure()
    {
    }

    /// <summary>A sentence for logs and for <c>glint ledger verify</c>; not meant for end users.</summary>
    public abstract string Message { get; }
}
