using System.Numerics;
using Glint.Lightning.Bolt11;
using NBitcoin;

namespace Glint.Lightning.Tests;

/// <summary>Decoding what the encoder wrote gives back every field: a property over seeded random invoices.</summary>
public sealed class RoundTripTests
{
    private const int Seeds = 300;

    [Fact]
    public void Decode_OfEncode_IsTheSameInvoice()
    {
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var random = new Random(seed);
            using var key = new Key(RandomBytes(random, 32));
            var invoice = RandomInvoice(random, key.PubKey.ToHex());

            var encoded = Bolt11Encoder.Encode(invoice, key);
            var decoded = Bolt11Parser.Parse(encoded);

            Assert.True(invoice == decoded, $"Seed {seed}: {encoded} decoded to {decoded}, not {invoice}.");
            Assert.True(Bolt11Parser.Parse(encoded.ToUpperInvariant()) == invoice, $"Seed {seed}: the upper-case form decodes differently.");
        }
    }

    [Fact]
    public void Encode_WithTheSpecificationsKey_ReproducesItsSignature()
    {
        // The first example, rebuilt field by field and written in the encoder's own field order: the signature is
        // RFC 6979 deterministic, so the same fields and key give the same string every time, and it decodes back.
        using var key = new Key(Convert.FromHexString(SpecExamples.PrivateKey));
        var example = Bolt11Parser.Parse(SpecExamples.Titled("Please make a donation").Invoice);

        var first = Bolt11Encoder.Encode(example, key);

        Assert.Equal(first, Bolt11Encoder.Encode(example, key));
        Assert.Equal(example, Bolt11Parser.Parse(first));
        Assert.StartsWith("lnbc1pvjluez", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(250_000_000L, "lnbc2500u1")]
    [InlineData(2_000_000_000L, "lnbc20m1")]
    [InlineData(100_000_000_000L, "lnbc11")]
    [InlineData(1_000L, "lnbc10n1")]
    [InlineData(967_878_534L, "lnbc9678785340p1")]
    public void Amount_UsesTheShortestForm(long amountMsat, string start)
    {
        using var key = new Key(Convert.FromHexString(SpecExamples.PrivateKey));
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled("Please make a donation").Invoice) with { AmountMsat = amountMsat };

        Assert.StartsWith(start, Bolt11Encoder.Encode(invoice, key), StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_RefusesAnInvoiceWithBothDescriptionAndHash()
    {
        using var key = new Key();
        var invoice = RandomInvoice(new Random(1), key.PubKey.ToHex()) with { Description = "x", DescriptionHash = new string('a', 64) };

        Assert.Throws<ArgumentException>(() => Bolt11Encoder.Encode(invoice, key));
    }

    private static Bolt11Invoice RandomInvoice(Random random, string payee)
    {
        var hashed = random.Next(4) == 0;
        return new Bolt11Invoice
        {
            Network = Bolt11Network.All[random.Next(Bolt11Network.All.Count)],
            AmountMsat = random.Next(5) == 0 ? null : random.NextInt64(1, Bolt11Invoice.MaxAmountMsat + 1) / Pow10(random.Next(0, 15)) + 1,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(random.NextInt64(0, 1L << 35)),
            PaymentHash = Convert.ToHexStringLower(RandomBytes(random, 32)),
            PaymentSecret = Convert.ToHexStringLower(RandomBytes(random, 32)),
            Description = hashed ? null : RandomText(random),
            DescriptionHash = hashed ? Convert.ToHexStringLower(RandomBytes(random, 32)) : null,
            ExpirySeconds = random.Next(3) == 0 ? Bolt11Invoice.DefaultExpirySeconds : random.NextInt64(1, 1L << 40),
            MinFinalCltvExpiryDelta = random.Next(1, 5000),
            PayeeNodeId = payee,
            Features = random.Next(3) == 0 ? BigInteger.Zero : (BigInteger.One << 8) | (BigInteger.One << 14) | (random.Next(2) == 0 ? BigInteger.One << 17 : 0),
            Metadata = random.Next(4) == 0 ? Convert.ToHexStringLower(RandomBytes(random, random.Next(1, 40))) : null,
            Fallbacks = random.Next(4) == 0 ? [new FallbackAddress(0, Convert.ToHexStringLower(RandomBytes(random, 20)))] : [],
            Routes = random.Next(4) == 0
                ? [[new RouteHop("02" + Convert.ToHexStringLower(RandomBytes(random, 32)), (ulong)random.NextInt64(), (uint)random.Next(), (uint)random.Next(), (ushort)random.Next(ushort.MaxValue))]]
                : [],
        };
    }

    private static long Pow10(int exponent) => (long)Math.Pow(10, exponent);

    private static string RandomText(Random random)
    {
        string[] pieces = ["coffee", "ナンセンス", "☕", " ", "1杯", "tip", "ü", "🙂", "x"];
        var length = random.Next(0, 30);
        return string.Concat(Enumerable.Range(0, length).Select(_ => pieces[random.Next(pieces.Length)]));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
