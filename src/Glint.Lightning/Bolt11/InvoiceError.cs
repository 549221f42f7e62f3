namespace Glint.Lightning.Bolt11;

/// <summary>Why a payment request was refused.</summary>
public enum InvoiceError
{
    /// <summary>Not Bech32: no separator, mixed case, a character outside the alphabet, or too short.</summary>
    Malformed,
    BadChecksum,
    UnknownNetwork,

    /// <summary>A valid invoice for another network than the one this server runs on.</summary>
    WrongNetwork,
    InvalidAmount,

    /// <summary>A required field (<c>p</c>, <c>s</c>, <c>d</c> or <c>h</c>) is missing, repeated where it must not be, or invalid.</summary>
    InvalidField,

    /// <summary>The invoice requires a feature (an even feature bit) this reader does not know.</summary>
    UnknownRequiredFeature,
    InvalidSignature,
    Expired,
}

/// <summary>A payment request that is not a valid BOLT 11 invoice (or not one this server accepts), and why.</summary>
public sealed class InvalidInvoiceException : FormatException
{
    public InvalidInvoiceException()
    {
    }

    public InvalidInvoiceException(string message) : base(message)
    {
    }

    public InvalidInvoiceException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public InvalidInvoiceException(InvoiceError reason, string message) : base(message) => Reason = reason;

    public InvoiceError Reason { get; } = InvoiceError.Malformed;
}
