namespace Glint.Lightning.Bolt11;

/// <summary>One hop of a private route hint (<c>r</c> field): the node at the start of the channel, and the channel's fees.</summary>
public sealed record RouteHop(string NodeId, ulong ShortChannelId, uint FeeBaseMsat, uint FeeProportionalMillionths, ushort CltvExpiryDelta)
{
    /// <summary>33 + 8 + 4 + 4 + 2 bytes.</summary>
    public const int Size = 51;
}
