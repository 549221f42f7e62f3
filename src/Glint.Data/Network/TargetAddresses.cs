using System.Net;
using System.Net.Sockets;

namespace Glint.Data.Network;

/// <summary>
/// The addresses Glint never reaches out to on a user's or client's say-so (callbacks, a client's <c>jwks_uri</c>)
/// unless the operator allows private targets (<c>webhooks.allow_private_targets</c>).
/// </summary>
public static class TargetAddresses
{
    private static readonly IPNetwork[] Forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this network"
        IPNetwork.Parse("10.0.0.0/8"),       // private
        IPNetwork.Parse("100.64.0.0/10"),    // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local, with the cloud metadata service at 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"),    // private
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.168.0.0/16"),   // private
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, and broadcast
        IPNetwork.Parse("::/96"),            // unspecified, loopback, and IPv4-compatible addresses (::127.0.0.1)
        IPNetwork.Parse("::ffff:0:0:0/96"),  // IPv4-translated (SIIT): ::ffff:0:7f00:1 is 127.0.0.1
        IPNetwork.Parse("64:ff9b::/96"),     // NAT64 (would reach an IPv4 address behind it)
        IPNetwork.Parse("64:ff9b:1::/48"),   // local-use NAT64, the same
        IPNetwork.Parse("100::/64"),         // discard-only
        IPNetwork.Parse("2001::/32"),        // Teredo: a relay would reach the IPv4 address it embeds
        IPNetwork.Parse("2001:db8::/32"),    // documentation
        IPNetwork.Parse("2002::/16"),        // 6to4: 2002:7f00:1:: wraps 127.0.0.1
        IPNetwork.Parse("fc00::/7"),         // unique local, with AWS's metadata at fd00:ec2::254
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    /// <summary>Whether <paramref name="address"/> is loopback, private, link-local, metadata or otherwise not a public host.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return true;
        }

        foreach (var network in Forbidden)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
