using Glint.Lightning.Bolt11;
using NBitcoin;

namespace Glint.Lightning.Tests;

/// <summary>What this server accepts beyond a valid invoice: its own network, and an invoice that has not expired.</summary>
public sealed class DecoderTests
{
    [Fact]
    public void Decode_RefusesAnotherNetwork()
    {
        var example = SpecExamples.Titled("Please make a donation").Invoice;
        var decoder = new Bolt11Decoder(Bolt11Network.Regtest, new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1496314658)));

        var refused = Assert.Throws<InvalidInvoiceException>(() => decoder.Decode(example));

        Assert.Equal(InvoiceError.WrongNetwork, refused.Reason);
    }

    [Fact]
    public void Decode_AcceptsUntilExpiryThenRefuses()
    {
        using var key = new Key();
        var created = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var encoded = Bolt11Encoder.Encode(new Bolt11Invoice
        {
            Network = Bolt11Network.Regtest,
            AmountMsat = 1000,
            Timestamp = created,
            PaymentHash = new string('a', 64),
            PaymentSecret = new string('b', 64),
            Description = "",
            ExpirySeconds = 60,
            PayeeNodeId = key.PubKey.ToHex(),
        }, key);
        var time = new FixedTime(created.AddSeconds(59));
        var decoder = new Bolt11Decoder(Bolt11Network.Regtest, time);

        Assert.Equal(1000, decoder.Decode(encoded).AmountMsat);
        time.Now = time.Now.AddSeconds(1);
        Assert.Equal(InvoiceError.Expired, Assert.Throws<InvalidInvoiceException>(() => decoder.Decode(encoded)).Reason);
    }

    [Theory]
    [InlineData("bcrt", "lnbcrt")]
    [InlineData("regtest", "lnbcrt")]
    [InlineData("tb", "lntb")]
    [InlineData("bc", "lnbc")]
    [InlineData("signet", "lntbs")]
    public void Network_IsFoundByPrefixOrName(string name, string hrpStart)
    {
        var network = Bolt11Network.Find(name);

        Assert.NotNull(network);
        Assert.Equal(hrpStart, "ln" + network.Prefix);
    }
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
