using BenchmarkDotNet.Attributes;
using Glint.Lightning.Bolt11;
using NBitcoin;

namespace Glint.Benchmarks;

/// <summary>The BOLT 11 codec: issuing an invoice signs it (secp256k1), paying one parses it and recovers the payee's key.</summary>
[MemoryDiagnoser]
public class Bolt11Benchmarks
{
    private Key _key = null!;
    private Bolt11Invoice _invoice = null!;
    private string _encoded = "";

    [GlobalSetup]
    public void Setup()
    {
        _key = new Key();
        _invoice = new Bolt11Invoice
        {
            Network = Bolt11Network.Regtest,
            AmountMsat = 250_000_000,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            PaymentHash = Convert.ToHexStringLower(RandomUtils.GetBytes(32)),
            PaymentSecret = Convert.ToHexStringLower(RandomUtils.GetBytes(32)),
            Description = "coffee at the corner",
            PayeeNodeId = _key.PubKey.ToHex(),
        };
        _encoded = Bolt11Encoder.Encode(_invoice, _key);
    }

    [Benchmark(Description = "BOLT 11 encode and sign")]
    public string Encode() => Bolt11Encoder.Encode(_invoice, _key);

    [Benchmark(Description = "BOLT 11 decode and verify")]
    public Bolt11Invoice Decode() => Bolt11Parser.Parse(_encoded);

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();
}
