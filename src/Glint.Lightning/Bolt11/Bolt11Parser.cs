using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using NBitcoin;
using NBitcoin.Crypto;
using NBitcoin.DataEncoders;

namespace Glint.Lightning.Bolt11;

/// <summary>
/// Reads a BOLT 11 invoice as the specification's reader requirements say: Bech32 with a valid checksum (either case,
/// not mixed, no length limit), a known network prefix and amount, the required fields, known required features, and
/// a valid signature: verified against the <c>n</c> field (low-S only) when there is one, otherwise by recovering the
/// payee's key (either S). It does not judge network or expiry against this server: <see cref="Bolt11Decoder"/> does.
/// </summary>
public static class Bolt11Parser
{
    /// <summary>The order n of secp256k1's group.</summary>
    private static readonly BigInteger CurveOrder = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    private static readonly System.Buffers.SearchValues<char> Bech32Alphabet = System.Buffers.SearchValues.Create("qpzry9x8gf2tvdw0s3jn54khce6mua7l");

    public static Bolt11Invoice Parse(string paymentRequest)
    {
        ArgumentNullException.ThrowIfNull(paymentRequest);
        var text = paymentRequest.Trim();
        if (text.StartsWith("lightning:", StringComparison.OrdinalIgnoreCase))
        {
            text = text["lightning:".Length..];
        }

        if (text.Any(char.IsUpper) && text.Any(char.IsLower))
        {
            throw Invalid(InvoiceError.Malformed, "The invoice mixes upper and lower case.");
        }

        text = text.ToLowerInvariant();
        var separator = text.LastIndexOf('1');
        if (separator < 1)
        {
            throw Invalid(InvoiceError.Malformed, "The invoice has no Bech32 separator.");
        }

        var hrp = text[..separator];
        var (network, amountMsat) = ParseHumanReadablePart(hrp);
        var words = DecodeBech32(hrp, text);
        if (words.Length < TaggedField.TimestampWords + TaggedField.SignatureWords)
        {
            throw Invalid(InvoiceError.Malformed, "The invoice is too short to hold a timestamp and a signature.");
        }

        var signed = words.AsSpan(0, words.Length - TaggedField.SignatureWords);
        var fields = new Fields();
        ReadFields(signed[TaggedField.TimestampWords..], fields);

        var paymentHash = fields.PaymentHash ?? throw Invalid(InvoiceError.InvalidField, "The invoice has no valid payment hash (p).");
        var paymentSecret = fields.PaymentSecret ?? throw Invalid(InvoiceError.InvalidField, "The invoice has no valid payment secret (s).");
        if (fields.Description is null == fields.DescriptionHash is null)
        {
            throw Invalid(InvoiceError.InvalidField, "The invoice must have exactly one of a description (d) and a description hash (h).");
        }

        var payee = VerifySignature(hrp, signed, words.AsSpan(words.Length - TaggedField.SignatureWords), fields.NodeId);
        return new Bolt11Invoice
        {
            Network = network,
            AmountMsat = amountMsat,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds((long)FiveBitReader.Number(signed[..TaggedField.TimestampWords])),
            PaymentHash = paymentHash,
            PaymentSecret = paymentSecret,
            Description = fields.Description,
            DescriptionHash = fields.DescriptionHash,
            ExpirySeconds = fields.Expiry ?? Bolt11Invoice.DefaultExpirySeconds,
            MinFinalCltvExpiryDelta = fields.MinFinalCltv ?? Bolt11Invoice.DefaultMinFinalCltvExpiryDelta,
            PayeeNodeId = payee,
            Features = fields.Features,
            Metadata = fields.Metadata,
            Fallbacks = fields.Fallbacks,
            Routes = fields.Routes,
        };
    }

    private static (Bolt11Network Network, long? AmountMsat) ParseHumanReadablePart(string hrp)
    {
        if (!hrp.StartsWith("ln", StringComparison.Ordinal))
        {
            throw Invalid(InvoiceError.UnknownNetwork, "A Lightning invoice starts with 'ln'.");
        }

        // The longest prefix first: bcrt before bc, tbs before tb.
        var network = Bolt11Network.All.OrderByDescending(n => n.Prefix.Length)
            .FirstOrDefault(n => hrp.AsSpan(2).StartsWith(n.Prefix, StringComparison.Ordinal) && (hrp.Length == 2 + n.Prefix.Length || char.IsAsciiDigit(hrp[2 + n.Prefix.Length])))
            ?? throw Invalid(InvoiceError.UnknownNetwork, $"'{hrp}' is not the prefix of a known network (lnbc, lntb, lntbs, lnbcrt).");
        var amount = hrp[(2 + network.Prefix.Length)..];
        return (network, amount.Length == 0 ? null : HrpAmount.Parse(amount));
    }

    private static byte[] DecodeBech32(string hrp, string text)
    {
        if (text.Length - hrp.Length - 1 < 6 || text.AsSpan(hrp.Length + 1).ContainsAnyExcept(Bech32Alphabet))
        {
            throw Invalid(InvoiceError.Malformed, "The data part is not Bech32.");
        }

        try
        {
            var encoder = new Bech32Encoder(Encoding.ASCII.GetBytes(hrp)) { StrictLength = false };
            var words = encoder.DecodeDataRaw(text, out var encoding);
            return encoding == Bech32EncodingType.BECH32 ? words : throw Invalid(InvoiceError.BadChecksum, "The invoice uses a Bech32m checksum, not Bech32.");
        }
        catch (FormatException exception) when (exception is not InvalidInvoiceException)
        {
            throw Invalid(InvoiceError.BadChecksum, "The Bech32 checksum is invalid.");
        }
    }

    private static void ReadFields(ReadOnlySpan<byte> words, Fields fields)
    {
        while (words.Length > 0)
        {
            if (words.Length < 3)
            {
                throw Invalid(InvoiceError.Malformed, "A tagged field is cut short.");
            }

            var type = words[0];
            var length = (int)FiveBitReader.Number(words.Slice(1, 2));
            if (words.Length < 3 + length)
            {
                throw Invalid(InvoiceError.Malformed, "A tagged field is longer than the invoice.");
            }

            fields.Read(type, words.Slice(3, length));
            words = words[(3 + length)..];
        }
    }

    private static string VerifySignature(string hrp, ReadOnlySpan<byte> signedWords, ReadOnlySpan<byte> signatureWords, string? nodeId)
    {
        var signature = FiveBitReader.Bytes(signatureWords);
        var hash = new uint256(Bolt11Encoder.SigningHash(hrp, signedWords.ToArray()));
        var compact = signature.AsSpan(0, 64);
        int recoveryId = signature[64];
        if (nodeId is not null)
        {
            var payee = new PubKey(Convert.FromHexString(nodeId));
            if (!IsLowS(compact) || !ECDSASignature.TryParseFromCompact(compact, out var parsed) || !payee.Verify(hash, parsed))
            {
                throw Invalid(InvoiceError.InvalidSignature, "The signature does not verify against the payee's node id (n), or is not low-S.");
            }

            return nodeId;
        }

        if (!CompactSignature.IsValidRecId(recoveryId))
        {
            throw Invalid(InvoiceError.InvalidSignature, "The signature's recovery id is not 0 to 3.");
        }

        // The specification's high-S example carries the recovery id of its low-S twin, and the readers it was
        // checked with (and the npm decoders) recover the payee after normalising s to the low half, keeping the
        // transmitted recovery id. Glint reads it the same way, so that every reader agrees on the payee.
        var signatureBytes = compact.ToArray();
        if (!IsLowS(compact))
        {
            var low = CurveOrder - new BigInteger(compact[32..], isUnsigned: true, isBigEndian: true);
            low.TryWriteBytes(signatureBytes.AsSpan(32 + 32 - low.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
            signatureBytes.AsSpan(32, 32 - low.GetByteCount(isUnsigned: true)).Clear();
        }

        try
        {
            return PubKey.RecoverCompact(hash, new CompactSignature(recoveryId, signatureBytes)).ToHex();
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException)
        {
            throw Invalid(InvoiceError.InvalidSignature, "The payee's key cannot be recovered from the signature.");
        }
    }

    private static bool IsLowS(ReadOnlySpan<byte> compact) => new BigInteger(compact[32..], isUnsigned: true, isBigEndian: true) <= CurveOrder / 2;

    private static InvalidInvoiceException Invalid(InvoiceError reason, string message) => new(reason, message);

    /// <summary>What the tagged fields say; the first valid field of each single-valued type wins, fields of the wrong length are skipped.</summary>
    private sealed class Fields
    {
        public string? PaymentHash;
        public string? PaymentSecret;
        public string? Description;
        public string? DescriptionHash;
        public string? NodeId;
        public long? Expiry;
        public int? MinFinalCltv;
        public string? Metadata;
        public BigInteger Features;
        public readonly List<FallbackAddress> Fallbacks = [];
        public readonly List<IReadOnlyList<RouteHop>> Routes = [];

        public void Read(byte type, ReadOnlySpan<byte> data)
        {
            switch (type)
            {
                case TaggedField.PaymentHash when data.Length == TaggedField.HashLength:
                    PaymentHash ??= Hex(data);
                    break;
                case TaggedField.PaymentSecret when data.Length == TaggedField.HashLength:
                    PaymentSecret ??= Hex(data);
                    break;
                case TaggedField.DescriptionHash when data.Length == TaggedField.HashLength:
                    DescriptionHash = DescriptionHash is null ? Hex(data) : throw Invalid(InvoiceError.InvalidField, "The invoice has two description hashes.");
                    break;
                case TaggedField.NodeId when data.Length == TaggedField.NodeIdLength:
                    var key = FiveBitReader.Bytes(data);
                    NodeId ??= PubKey.TryCreatePubKey(key, out var pubKey) && pubKey.IsCompressed ? pubKey.ToHex() : null;
                    break;
                case TaggedField.Description:
                    Description = Description is null ? Utf8(FiveBitReader.Bytes(data)) : throw Invalid(InvoiceError.InvalidField, "The invoice has two descriptions.");
                    break;
                case TaggedField.Expiry:
                    Expiry ??= (long)MinimalNumber(data, "expiry (x)");
                    break;
                case TaggedField.MinFinalCltv:
                    MinFinalCltv ??= checked((int)MinimalNumber(data, "min_final_cltv_expiry_delta (c)"));
                    break;
                case TaggedField.Metadata:
                    Metadata ??= Convert.ToHexStringLower(FiveBitReader.Bytes(data));
                    break;
                case TaggedField.Features:
                    Features = ReadFeatures(data);
                    break;
                case TaggedField.Fallback when data.Length > 0 && data[0] <= FallbackAddress.PayToScriptHash:
                    Fallbacks.Add(new FallbackAddress(data[0], Convert.ToHexStringLower(FiveBitReader.Bytes(data[1..]))));
                    break;
                case TaggedField.Routing:
                    Routes.Add(ReadRoute(FiveBitReader.Bytes(data)));
                    break;
                default:
                    // Unknown types, fixed-length fields of the wrong length and unknown fallback versions are skipped.
                    break;
            }
        }

        private static string Hex(ReadOnlySpan<byte> words) => Convert.ToHexStringLower(FiveBitReader.Bytes(words));

        private static string Utf8(byte[] bytes)
        {
            try
            {
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Invalid(InvoiceError.InvalidField, "The description is not valid UTF-8.");
            }
        }

        private static ulong MinimalNumber(ReadOnlySpan<byte> data, string what)
        {
            if (data.Length == 0 || data[0] == 0 || data.Length > 12)
            {
                throw Invalid(InvoiceError.InvalidField, $"The {what} field is not a minimally encoded number.");
            }

            return FiveBitReader.Number(data);
        }

        private static BigInteger ReadFeatures(ReadOnlySpan<byte> data)
        {
            if (data.Length > 0 && data[0] == 0)
            {
                throw Invalid(InvoiceError.InvalidField, "The features field (9) is not minimally encoded.");
            }

            var features = BigInteger.Zero;
            foreach (var word in data)
            {
                features = (features << 5) | word;
            }

            for (var bit = 0; bit < data.Length * 5; bit += 2)
            {
                if (!(features >> bit).IsEven && !TaggedField.IsKnownFeature(bit))
                {
                    throw Invalid(InvoiceError.UnknownRequiredFeature, $"The invoice requires feature {bit}, which this server does not know.");
                }
            }

            return features;
        }

        private static List<RouteHop> ReadRoute(byte[] bytes)
        {
            if (bytes.Length == 0 || bytes.Length % RouteHop.Size != 0)
            {
                throw Invalid(InvoiceError.InvalidField, "A route hint (r) is not a whole number of hops.");
            }

            var hops = new List<RouteHop>();
            for (var offset = 0; offset < bytes.Length; offset += RouteHop.Size)
            {
                var hop = bytes.AsSpan(offset, RouteHop.Size);
                hops.Add(new RouteHop(Convert.ToHexStringLower(hop[..33]), BinaryPrimitives.ReadUInt64BigEndian(hop[33..]),
                    BinaryPrimitives.ReadUInt32BigEndian(hop[41..]), BinaryPrimitives.ReadUInt32BigEndian(hop[45..]),
                    BinaryPrimitives.ReadUInt16BigEndian(hop[49..])));
            }

            return hops;
        }
    }
}
