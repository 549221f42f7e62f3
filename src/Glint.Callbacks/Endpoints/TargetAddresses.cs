using System.Net;
using System.Net.Sockets;

namespace Glint.Callbacks.Endpoints;

/// <summary>
/// The addresses a callback (or any other request Glint makes to a URL a user gave it) must never reach unless the
/// operator allows private targets, and the connection that enforces it.
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
        IPNetwork.Parse("::/128"),           // unspecified
        IPNetwork.Parse("::1/128"),          // loopback
        IPNetwork.Parse("64:ff9b::/96"),     // NAT64 (would reach an IPv4 address behind it)
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

    /// <summary>
    /// Connects to <paramref name="endpoint"/> for a <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the
    /// name itself and refuses a forbidden address (unless <paramref name="allowPrivateTargets"/>), so the address
    /// checked is the one connected to and a DNS answer that changed since the URL was checked cannot reach an
    /// internal service. A refusal is a <see cref="ForbiddenTargetException"/>.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivateTargets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var host = endpoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = allowPrivateTargets ? addresses : [.. addresses.Where(address => !IsForbidden(address))];
        if (allowed.Length == 0)
        {
            throw new ForbiddenTargetException($"{host} resolves only to addresses this server may not reach");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            // The address actually connected to, checked once more.
            if (!allowPrivateTargets && socket.RemoteEndPoint is IPEndPoint remote && IsForbidden(remote.Address))
            {
                throw new ForbiddenTargetException($"{host} connected to an address this server may not reach");
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A connection refused by <see cref="TargetAddresses.ConnectAsync"/>; its message names the host, never an address.</summary>
public sealed class ForbiddenTargetException(string message) : Exception(message);
