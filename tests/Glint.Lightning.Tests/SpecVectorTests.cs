using Glint.Lightning.Bolt11;
using NBitcoin;

namespace Glint.Lightning.Tests;

/// <summary>Every example of the BOLT 11 specification: the valid ones decode to what their breakdown says, the invalid ones are refused for their reason.</summary>
public sealed class SpecVectorTests
{
    private const string ExampleHash = "0001020304050607080900010203040506070809000102030405060708090102";
    private const string ExampleSecret = "1111111111111111111111111111111111111111111111111111111111111111";
    private static readonly DateTimeOffset ExampleTime = DateTimeOffset.FromUnixTimeSeconds(1496314658);

    public static TheoryData<string> ValidTitles() => [.. SpecExamples.Valid.Select(example => example.Title)];

    public static TheoryData<string> InvalidTitles() => [.. SpecExamples.Invalid.Select(example => example.Title)];

    [Fact]
    public void Specification_HasItsExamples()
    {
        Assert.True(SpecExamples.Valid.Count >= 15, $"Only {SpecExamples.Valid.Count} valid examples were read from the specification.");
        Assert.True(SpecExamples.Invalid.Count >= 10, $"Only {SpecExamples.Invalid.Count} invalid examples were read from the specification.");
    }

    [Theory]
    [MemberData(nameof(ValidTitles))]
    public void ValidExample_DecodesWithTheSpecificationsPayee(string title)
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled(title).Invoice);

        Assert.Equal(SpecExamples.PayeeNodeId, invoice.PayeeNodeId);
        Assert.Equal(ExampleSecret, invoice.PaymentSecret);
        Assert.True(invoice.Description is null != invoice.DescriptionHash is null);
    }

    [Theory]
    [MemberData(nameof(InvalidTitles))]
    public void InvalidExample_IsRefused(string title)
    {
        var expected = title switch
        {
            _ when title.Contains("unknown feature", StringComparison.Ordinal) => InvoiceError.UnknownRequiredFeature,
            _ when title.Contains("checksum", StringComparison.Ordinal) => InvoiceError.BadChecksum,
            _ when title.Contains("Malformed", StringComparison.Ordinal) => InvoiceError.Malformed,
            _ when title.Contains("too short", StringComparison.Ordinal) => InvoiceError.Malformed,
            _ when title.Contains("recoverable", StringComparison.Ordinal) => InvoiceError.InvalidSignature,
            _ when title.Contains("high-S", StringComparison.Ordinal) => InvoiceError.InvalidSignature,
            _ when title.Contains("multiplier", StringComparison.Ordinal) => InvoiceError.InvalidAmount,
            _ when title.Contains("precision", StringComparison.Ordinal) => InvoiceError.InvalidAmount,
            _ when title.Contains("Missing required", StringComparison.Ordinal) => InvoiceError.InvalidField,
            _ => throw new InvalidOperationException($"No expected reason for the invalid example '{title}'."),
        };

        var refused = Assert.Throws<InvalidInvoiceException>(() => Bolt11Parser.Parse(SpecExamples.Titled(title).Invoice));

        Assert.Equal(expected, refused.Reason);
    }

    [Fact]
    public void Donation_HasNoAmountAndTheDefaults()
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled("Please make a donation").Invoice);

        Assert.Equal(Bolt11Network.Mainnet, invoice.Network);
        Assert.Null(invoice.AmountMsat);
        Assert.Equal(ExampleTime, invoice.Timestamp);
        Assert.Equal(ExampleHash, invoice.PaymentHash);
        Assert.Equal("Please consider supporting this project", invoice.Description);
        Assert.Equal(3600, invoice.ExpirySeconds);
        Assert.Equal(18, invoice.MinFinalCltvExpiryDelta);
        Assert.True(invoice.HasFeature(8) && invoice.HasFeature(14));
    }

    [Theory]
    [InlineData("Please send $3 for", 250_000_000L, "1 cup coffee")]
    [InlineData("Please send 0.0025 BTC", 250_000_000L, "ナンセンス 1杯")]
    public void CoffeeExamples_HaveAmountDescriptionAndOneMinuteExpiry(string title, long amountMsat, string description)
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled(title).Invoice);

        Assert.Equal(amountMsat, invoice.AmountMsat);
        Assert.Equal(description, invoice.Description);
        Assert.Equal(60, invoice.ExpirySeconds);
    }

    [Fact]
    public void HashedDescription_IsTheHashOfTheList()
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled("Now send $24").Invoice);

        Assert.Equal(2_000_000_000L, invoice.AmountMsat);
        Assert.Null(invoice.Description);
        Assert.Equal("3925b6f67e2c340036ed12093dd44e0368df1b6ea26c53dbe4811f58fd5db8c1", invoice.DescriptionHash);
    }

    [Theory]
    [InlineData("The same, on testnet", "mk2QpYatsKicvFVuTAQLBryyccRXMUaGHP")]
    [InlineData("On mainnet, with fallback address 1Rusty", "1RustyRX2oai4EYYDpQGWvEL62BBGqN9T")]
    [InlineData("On mainnet, with fallback (P2SH)", "3EktnHQD7RiAE6uzMj2ZifT9YgRrkSgzQX")]
    [InlineData("On mainnet, with fallback (P2WPKH)", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")]
    [InlineData("On mainnet, with fallback (P2WSH)", "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3")]
    [InlineData("On mainnet, with fallback (P2TR)", "bc1pptdvg0d2nj99568qn6ssdy4cygnwuxgw2ukmnwgwz7jpqjz2kszse2s3lm")]
    public void Fallback_IsTheAddressOfTheTitle(string title, string address)
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled(title).Invoice);
        var network = invoice.Network == Bolt11Network.Testnet ? Network.TestNet : Network.Main;
        var expected = BitcoinAddress.Create(address, network) switch
        {
            BitcoinPubKeyAddress p2pkh => new FallbackAddress(FallbackAddress.PayToPubKeyHash, Convert.ToHexStringLower(p2pkh.Hash.ToBytes())),
            BitcoinScriptAddress p2sh => new FallbackAddress(FallbackAddress.PayToScriptHash, Convert.ToHexStringLower(p2sh.Hash.ToBytes())),
            BitcoinWitPubKeyAddress p2wpkh => new FallbackAddress(0, Convert.ToHexStringLower(p2wpkh.Hash.ToBytes())),
            BitcoinWitScriptAddress p2wsh => new FallbackAddress(0, Convert.ToHexStringLower(p2wsh.Hash.ToBytes())),
            TaprootAddress p2tr => new FallbackAddress(1, Convert.ToHexStringLower(p2tr.PubKey.ToBytes())),
            var other => throw new InvalidOperationException($"Unexpected address type {other.GetType().Name}."),
        };

        Assert.Equal([expected], invoice.Fallbacks);
        Assert.Equal(2_000_000_000L, invoice.AmountMsat);
    }

    [Fact]
    public void RoutingInfo_HasBothHops()
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled("On mainnet, with fallback address 1Rusty").Invoice);

        var route = Assert.Single(invoice.Routes);
        Assert.Equal(
            [
                new RouteHop("029e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255", ShortChannelId(66051, 263430, 1800), 1, 20, 3),
                new RouteHop("039e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255", ShortChannelId(197637, 395016, 2314), 2, 30, 4),
            ],
            route);
    }

    [Fact]
    public void PicoAmount_IsInMillisatoshisWithAWeekOfExpiry()
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled("Please send 0.00967878534 BTC").Invoice);

        Assert.Equal(967_878_534L, invoice.AmountMsat);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1572468703), invoice.Timestamp);
        Assert.Equal("462264ede7e14047e9b249da94fefc47f41f7d02ee9b091815a5506bc8abf75f", invoice.PaymentHash);
        Assert.Equal(604_800, invoice.ExpirySeconds);
        Assert.Equal(10, invoice.MinFinalCltvExpiryDelta);
        Assert.StartsWith("Blockstream Store: 88.85 USD", invoice.Description, StringComparison.Ordinal);
        Assert.Equal(new RouteHop("03d06758583bb5154774a6eb221b1276c9e82d65bbaceca806d90e20c108f4b1c7", ShortChannelId(589390, 3312, 1), 1000, 2500, 40),
            Assert.Single(Assert.Single(invoice.Routes)));
    }

    [Theory]
    [InlineData("Please send $30 for coffee beans")]
    [InlineData("Same, but all upper case")]
    [InlineData("Same, but including fields which must be ignored")]
    public void CoffeeBeans_AllThreeFormsDecodeAlike(string title)
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled(title).Invoice);

        Assert.Equal(2_500_000_000L, invoice.AmountMsat);
        Assert.Equal("coffee beans", invoice.Description);
        Assert.Equal(ExampleHash, invoice.PaymentHash);
        Assert.True(invoice.HasFeature(8) && invoice.HasFeature(14) && invoice.HasFeature(99));
        Assert.Empty(invoice.Fallbacks);
    }

    [Fact]
    public void Metadata_IsRead()
    {
        var invoice = Bolt11Parser.Parse(SpecExamples.Titled("Please send 0.01 BTC with payment metadata").Invoice);

        Assert.Equal("01fafaf0", invoice.Metadata);
        Assert.Equal("payment metadata inside", invoice.Description);
        Assert.True(invoice.HasFeature(48));
    }

    [Fact]
    public void HighS_IsAcceptedWhenThePayeeIsRecovered()
    {
        var highS = Bolt11Parser.Parse(SpecExamples.Titled("Public-key recovery with high-S").Invoice);
        var lowS = Bolt11Parser.Parse(SpecExamples.Titled("Please make a donation").Invoice);

        Assert.Equal(lowS, highS);
    }

    private static ulong ShortChannelId(ulong block, ulong transaction, ulong output) => (block << 40) | (transaction << 16) | output;
}
