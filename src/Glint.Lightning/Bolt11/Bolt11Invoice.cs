using System.Numerics;

namespace Glint.Lightning.Bolt11;

/// <summary>
/// The fields of a BOLT 11 invoice. Hashes, secrets and keys are lower-case hex. <see cref="Bolt11Encoder"/> signs and
/// encodes one; <see cref="Bolt11Parser"/> reads one back and checks its signature, so that
/// <c>Parse(Encode(x)) == x</c> when <see cref="PayeeNodeId"/> is the signing key's.
/// </summary>
public sealed record Bolt11Invoice
{
    public const long DefaultExpirySeconds = 3600;
    public const int DefaultMinFinalCltvExpiryDelta = 18;

    /// <summary>The largest amount a field can carry here: every bitcoin there will ever be, in millisatoshis.</summary>
    public const long MaxAmountMsat = 21_000_000L * 100_000_000L * 1000L;

    public required Bolt11Network Network { get; init; }

    /// <summary>Millisatoshis to pay; null for an invoice without an amount (the payer chooses).</summary>
    public long? AmountMsat { get; init; }

    /// <summary>When the invoice was created, to the second.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required string PaymentHash { get; init; }

    public required string PaymentSecret { get; init; }

    /// <summary>The <c>d</c> field; exactly one of it and <see cref="DescriptionHash"/> is set.</summary>
    public string? Description { get; init; }

    /// <summary>The <c>h</c> field: SHA-256 of a description carried elsewhere (LNURL-pay metadata, a Nostr zap request).</summary>
    public string? DescriptionHash { get; init; }

    public long ExpirySeconds { get; init; } = DefaultExpirySeconds;

    public int MinFinalCltvExpiryDelta { get; init; } = DefaultMinFinalCltvExpiryDelta;

    /// <summary>The payee's node id (compressed public key): from the <c>n</c> field, or recovered from the signature.</summary>
    public required string PayeeNodeId { get; init; }

    /// <summary>The <c>9</c> field as a big-endian bit vector (bit 0 is the least significant).</summary>
    public BigInteger Features { get; init; }

    /// <summary>The <c>m</c> field (payment metadata), hex.</summary>
    public string? Metadata { get; init; }

    public IReadOnlyList<FallbackAddress> Fallbacks { get; init; } = [];

    /// <summary>Private route hints, each one a list of hops towards the payee.</summary>
    public IReadOnlyList<IReadOnlyList<RouteHop>> Routes { get; init; } = [];

    /// <summary>When the invoice expires; an expiry beyond the calendar (a reader must accept any) saturates.</summary>
    public DateTimeOffset ExpiresAt =>
        ExpirySeconds < (DateTimeOffset.MaxValue - Timestamp).TotalSeconds ? Timestamp.AddSeconds(ExpirySeconds) : DateTimeOffset.MaxValue;

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>Whether bit <paramref name="bit"/> of the feature vector is set.</summary>
    public bool HasFeature(int bit) => !(Features >> bit).IsEven;

    public bool Equals(Bolt11Invoice? other) =>
        other is not null
        && Network == other.Network
        && AmountMsat == other.AmountMsat
        && Timestamp == other.Timestamp
        && PaymentHash == other.PaymentHash
        && PaymentSecret == other.PaymentSecret
        && Description == other.Description
        && DescriptionHash == other.DescriptionHash
        && ExpirySeconds == other.ExpirySeconds
        && MinFinalCltvExpiryDelta == other.MinFinalCltvExpiryDelta
        && PayeeNodeId == other.PayeeNodeId
        && Features == other.Features
        && Metadata == other.Metadata
        && Fallbacks.SequenceEqual(other.Fallbacks)
        && Routes.Count == other.Routes.Count
        && Routes.Zip(other.Routes).All(pair => pair.First.SequenceEqual(pair.Second));

    public override int GetHashCode() => HashCode.Combine(PaymentHash, AmountMsat, Timestamp, PayeeNodeId);
}
