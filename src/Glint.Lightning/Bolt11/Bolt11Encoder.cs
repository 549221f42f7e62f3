using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using NBitcoin;
using NBitcoin.DataEncoders;

namespace Glint.Lightning.Bolt11;

/// <summary>
/// Signs and encodes invoices. Fields are written in a fixed order (p, s, d or h, x, c, f, r, 9, m); <c>x</c> only when
/// the expiry is not the default, and no <c>n</c> field, since every reader recovers the payee from the signature.
/// </summary>
public static class Bolt11Encoder
{
    public static string Encode(Bolt11Invoice invoice, Key nodeKey)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(nodeKey);
        if (nodeKey.PubKey.ToHex() != invoice.PayeeNodeId)
        {
            throw new ArgumentException("The invoice's payee must be the signing node.", nameof(invoice));
        }

        if (invoice.Description is null == invoice.DescriptionHash is null)
        {
            throw new ArgumentException("An invoice has exactly one of a description and a description hash.", nameof(invoice));
        }

        if (invoice.AmountMsat is <= 0 or > Bolt11Invoice.MaxAmountMsat)
        {
            throw new ArgumentOutOfRangeException(nameof(invoice), invoice.AmountMsat, "The amount must be positive and at most all bitcoin.");
        }

        var hrp = "ln" + invoice.Network.Prefix + (invoice.AmountMsat is { } amount ? HrpAmount.Format(amount) : "");
        var data = new FiveBitWriter();
        data.WriteNumber(checked((ulong)invoice.Timestamp.ToUnixTimeSeconds()), TaggedField.TimestampWords);
        WriteBytes(data, TaggedField.PaymentHash, Hex(invoice.PaymentHash, 32, "payment hash"));
        WriteBytes(data, TaggedField.PaymentSecret, Hex(invoice.PaymentSecret, 32, "payment secret"));
        if (invoice.Description is { } description)
        {
            WriteBytes(data, TaggedField.Description, Encoding.UTF8.GetBytes(description));
        }
        else
        {
            WriteBytes(data, TaggedField.DescriptionHash, Hex(invoice.DescriptionHash!, 32, "description hash"));
        }

        if (invoice.ExpirySeconds != Bolt11Invoice.DefaultExpirySeconds)
        {
            WriteNumber(data, TaggedField.Expiry, checked((ulong)invoice.ExpirySeconds));
        }

        WriteNumber(data, TaggedField.MinFinalCltv, checked((ulong)invoice.MinFinalCltvExpiryDelta));
        foreach (var fallback in invoice.Fallbacks)
        {
            WriteWords(data, TaggedField.Fallback, [fallback.Version, .. FiveBitWriter.ToWords(Convert.FromHexString(fallback.Program))]);
        }

        foreach (var route in invoice.Routes)
        {
            WriteBytes(data, TaggedField.Routing, RouteBytes(route));
        }

        if (!invoice.Features.IsZero)
        {
            WriteWords(data, TaggedField.Features, FeatureWords(invoice.Features));
        }

        if (invoice.Metadata is { } metadata)
        {
            WriteBytes(data, TaggedField.Metadata, Convert.FromHexString(metadata));
        }

        var signature = nodeKey.SignCompact(new uint256(SigningHash(hrp, data.Words)), forceLowR: false);
        data.WriteBytes([.. signature.Signature, (byte)signature.RecoveryId]);
        return new Bech32Encoder(Encoding.ASCII.GetBytes(hrp)) { StrictLength = false }.EncodeData(data.ToArray(), Bech32EncodingType.BECH32);
    }

    /// <summary>SHA-256 of the human-readable part's bytes and the data part's words as bytes, zero-padded.</summary>
    internal static byte[] SigningHash(string hrp, IReadOnlyList<byte> words)
    {
        var hrpBytes = Encoding.UTF8.GetBytes(hrp);
        var dataBytes = FiveBitReader.Bytes([.. words], padLastByte: true);
        return SHA256.HashData([.. hrpBytes, .. dataBytes]);
    }

    private static void WriteBytes(FiveBitWriter data, byte type, ReadOnlySpan<byte> bytes) => WriteWords(data, type, FiveBitWriter.ToWords(bytes));

    private static void WriteNumber(FiveBitWriter data, byte type, ulong value)
    {
        var words = new FiveBitWriter();
        words.WriteNumber(value, FiveBitWriter.MinimalWordCount(value));
        WriteWords(data, type, words.Words);
    }

    private static void WriteWords(FiveBitWriter data, byte type, IReadOnlyCollection<byte> words)
    {
        if (words.Count > TaggedField.MaxDataLength)
        {
            throw new ArgumentException($"Field {type} is too long: at most {TaggedField.MaxDataLength} words (639 bytes).");
        }

        data.WriteNumber(type, 1);
        data.WriteNumber((ulong)words.Count, 2);
        data.WriteWords(words);
    }

    private static List<byte> FeatureWords(BigInteger features)
    {
        var words = new List<byte>();
        for (var rest = features; !rest.IsZero; rest >>= 5)
        {
            words.Add((byte)(int)(rest & 31));
        }

        words.Reverse();
        return words;
    }

    private static byte[] RouteBytes(IReadOnlyList<RouteHop> route)
    {
        var bytes = new byte[route.Count * RouteHop.Size];
        for (var i = 0; i < route.Count; i++)
        {
            var hop = bytes.AsSpan(i * RouteHop.Size, RouteHop.Size);
            Hex(route[i].NodeId, 33, "route node id").CopyTo(hop);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(hop[33..], route[i].ShortChannelId);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(hop[41..], route[i].FeeBaseMsat);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(hop[45..], route[i].FeeProportionalMillionths);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(hop[49..], route[i].CltvExpiryDelta);
        }

        return bytes;
    }

    private static byte[] Hex(string hex, int length, string what)
    {
        var bytes = Convert.FromHexString(hex);
        return bytes.Length == length ? bytes : throw new ArgumentException($"The {what} must be {length} bytes.");
    }
}
