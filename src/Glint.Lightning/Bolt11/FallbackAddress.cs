namespace Glint.Lightning.Bolt11;

/// <summary>
/// An on-chain fallback (<c>f</c> field): <see cref="Version"/> 0–16 is a witness version with its program, 17 a
/// P2PKH and 18 a P2SH hash. <see cref="Program"/> is lower-case hex.
/// </summary>
public sealed record FallbackAddress(byte Version, string Program)
{
    public const byte PayToPubKeyHash = 17;
    public const byte PayToScriptHash = 18;
}
