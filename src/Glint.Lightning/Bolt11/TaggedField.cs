namespace Glint.Lightning.Bolt11;

/// <summary>The tagged fields' types (their 5-bit codes) and the fixed data lengths some of them must have.</summary>
internal static class TaggedField
{
    public const byte PaymentHash = 1;       // p
    public const byte Routing = 3;           // r
    public const byte Features = 5;          // 9
    public const byte Expiry = 6;            // x
    public const byte Fallback = 9;          // f
    public const byte Description = 13;      // d
    public const byte PaymentSecret = 16;    // s
    public const byte NodeId = 19;           // n
    public const byte DescriptionHash = 23;  // h
    public const byte MinFinalCltv = 24;     // c
    public const byte Metadata = 27;         // m

    /// <summary>256 bits in 5-bit words, padded.</summary>
    public const int HashLength = 52;

    /// <summary>A 33-byte public key in 5-bit words, padded.</summary>
    public const int NodeIdLength = 53;

    /// <summary>A field's data length is 10 bits.</summary>
    public const int MaxDataLength = 1023;

    /// <summary>Timestamp: 35 bits.</summary>
    public const int TimestampWords = 7;

    /// <summary>Signature: 64 bytes and a recovery id, 520 bits.</summary>
    public const int SignatureWords = 104;

    /// <summary>
    /// The feature bits this reader knows (BOLT 9, invoice context): var_onion_optin (8/9), payment_secret (14/15),
    /// basic_mpp (16/17), option_route_blinding (24/25), option_payment_metadata (48/49). An unknown even bit fails the invoice.
    /// </summary>
    public static bool IsKnownFeature(int bit) => bit is 8 or 9 or 14 or 15 or 16 or 17 or 24 or 25 or 48 or 49;
}
