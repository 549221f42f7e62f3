using System.Text;
using System.Text.RegularExpressions;
using NBitcoin.DataEncoders;

namespace Glint.Api.LightningAddresses;

/// <summary>
/// Where a payer asked to send: a Lightning address (LUD-16, <c>user@domain</c>) or the URL of a pay request, from a
/// bech32 LNURL (LUD-01, <c>lnurl1…</c>, optionally after <c>lightning:</c>) or an <c>lnurlp://</c> URL (LUD-17).
/// </summary>
public sealed partial record LnurlTarget(string? Username, string? Domain, Uri? Url)
{
    /// <summary>The longest target read: a URL as long as a callback endpoint's may be.</summary>
    public const int MaxLength = 2048;

    /// <summary>The target, or why <paramref name="text"/> is none (naming <paramref name="field"/>).</summary>
    public static (LnurlTarget? Target, string? Problem) Parse(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        if (value.Length > MaxLength)
        {
            return (null, $"{field} must be at most {MaxLength} characters.");
        }

        if (value.StartsWith("lightning:", StringComparison.OrdinalIgnoreCase))
        {
            value = value["lightning:".Length..];
        }

        if (Address().Match(value) is { Success: true } address && Uri.TryCreate("https://" + address.Groups["domain"].Value, UriKind.Absolute, out var host)
            && host.PathAndQuery == "/")
        {
            return (new LnurlTarget(address.Groups["user"].Value.ToLowerInvariant(), host.Authority, null), null);
        }

        if (value.StartsWith("lnurl1", StringComparison.OrdinalIgnoreCase))
        {
            return Bech32Url(value) is { } decoded && Uri.TryCreate(decoded, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
                ? (new LnurlTarget(null, null, url), null)
                : (null, $"{field} is not a valid LNURL: its bech32 does not decode to an http(s) URL.");
        }

        if (value.StartsWith("lnurlp://", StringComparison.OrdinalIgnoreCase)
            && Uri.TryCreate("https://" + value["lnurlp://".Length..], UriKind.Absolute, out var lnurlp))
        {
            return (new LnurlTarget(null, null, lnurlp), null);
        }

        return (null, $"{field} must be a Lightning address (user@domain), an LNURL (lnurl1…) or an lnurlp:// URL.");
    }

    /// <summary>LUD-16's URL of the address's pay request; http only for a loopback host, and only when the caller allows it.</summary>
    public Uri PayRequestUrl(bool allowLoopbackHttp)
    {
        if (Url is not null)
        {
            return Url;
        }

        var https = new Uri($"https://{Domain}/.well-known/lnurlp/{Username}");
        return allowLoopbackHttp && https.IsLoopback ? new UriBuilder(https) { Scheme = "http", Port = https.IsDefaultPort ? -1 : https.Port }.Uri : https;
    }

    /// <summary>LUD-01: bech32 with the <c>lnurl</c> prefix, longer than BIP 173 allows, over the URL's UTF-8 bytes.</summary>
    private static string? Bech32Url(string value)
    {
        try
        {
            var words = new Bech32Encoder("lnurl"u8.ToArray()) { StrictLength = false }.DecodeDataRaw(value.ToLowerInvariant(), out var encoding);
            if (encoding != Bech32EncodingType.BECH32)
            {
                return null;
            }

            var bytes = new List<byte>(words.Length * 5 / 8);
            int accumulator = 0, bits = 0;
            foreach (var word in words)
            {
                accumulator = (accumulator << 5) | word;
                bits += 5;
                if (bits >= 8)
                {
                    bits -= 8;
                    bytes.Add((byte)(accumulator >> bits));
                    accumulator &= (1 << bits) - 1;
                }
            }

            return bits >= 5 || accumulator != 0 ? null : new UTF8Encoding(false, true).GetString([.. bytes]);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>LUD-16's user names (<c>a-z0-9-_.+</c>, any case here) at a host, optionally with a port.</summary>
    [GeneratedRegex(@"^(?<user>[a-zA-Z0-9\-_.+]{1,64})@(?<domain>[a-zA-Z0-9\-.]{1,253}(:[0-9]{1,5})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Address();
}
