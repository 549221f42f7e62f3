namespace Glint.Lightning.Bolt11;

/// <summary>
/// The Bitcoin network an invoice is for, named by its BIP-0173 prefix: <c>bc</c> (mainnet), <c>tb</c> (testnet),
/// <c>tbs</c> (signet) or <c>bcrt</c> (regtest). The invoice's human-readable part is <c>ln</c> + prefix + amount.
/// </summary>
public sealed record Bolt11Network
{
    public static readonly Bolt11Network Mainnet = new("bc", "mainnet");
    public static readonly Bolt11Network Testnet = new("tb", "testnet");
    public static readonly Bolt11Network Signet = new("tbs", "signet");
    public static readonly Bolt11Network Regtest = new("bcrt", "regtest");

    private Bolt11Network(string prefix, string name)
    {
        Prefix = prefix;
        Name = name;
    }

    public static IReadOnlyList<Bolt11Network> All { get; } = [Mainnet, Testnet, Signet, Regtest];

    public string Prefix { get; }

    /// <summary>The network's name as Blink's <c>Network</c> enum spells it.</summary>
    public string Name { get; }

    /// <summary>A network by its prefix (<c>bcrt</c>) or its name (<c>regtest</c>); null when neither is known.</summary>
    public static Bolt11Network? Find(string? prefixOrName) =>
        All.FirstOrDefault(network => string.Equals(network.Prefix, prefixOrName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(network.Name, prefixOrName, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => Prefix;
}
