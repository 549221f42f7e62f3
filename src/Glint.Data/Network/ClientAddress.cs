using System.Net;
using System.Net.Sockets;

namespace Glint.Data.Network;

/// <summary>
/// The address a per-address limit counts a request against: an IPv4 address as it is, an IPv6 address as its /64.
/// An IPv6 host is usually given a whole /64 and may send from any address in it, so limits kept per address would
/// let it take a fresh one for every try (sign-in codes, guesses, registrations, anonymous API calls).
/// </summary>
public static class ClientAddress
{
    public static string LimitKey(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }
}
