using System.Text;
using NBitcoin.DataEncoders;

namespace Glint.Server.Tests.LightningAddresses;

public static class Lnurls
{
    /// <summary>LUD-01: the URL's bytes in bech32 with the <c>lnurl</c> prefix, without BIP 173's length limit.</summary>
    public static string Encode(string url)
    {
        var words = new List<byte>();
        int accumulator = 0, bits = 0;
        foreach (var value in Encoding.UTF8.GetBytes(url))
        {
            accumulator = (accumulator << 8) | value;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                words.Add((byte)((accumulator >> bits) & 31));
            }

            accumulator &= (1 << bits) - 1;
        }

        if (bits > 0)
        {
            words.Add((byte)((accumulator << (5 - bits)) & 31));
        }

        return new Bech32Encoder("lnurl"u8.ToArray()) { StrictLength = false }.EncodeData([.. words], Bech32EncodingType.BECH32).ToUpperInvariant();
    }
}
