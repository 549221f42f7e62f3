using System.Net;
using System.Net.Sockets;

namespace Glint.Data.Network;

/// <summary>
/// The connect step of an outgoing HTTP client that must not reach a forbidden address (<see cref="TargetAddresses"/>):
/// the name is resolved here and the address connected to is checked, so a DNS answer that changed since a URL was
/// registered cannot reach an internal service. Set as a <see cref="SocketsHttpHandler.ConnectCallback"/>.
/// </summary>
public static class GuardedConnect
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Callback(bool allowPrivateTargets, string purpose) =>
        (context, cancellationToken) => ConnectAsync(context, allowPrivateTargets, purpose, cancellationToken);

    private static async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context, bool allowPrivateTargets, string purpose, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = allowPrivateTargets ? addresses : [.. addresses.Where(address => !TargetAddresses.IsForbidden(address))];
        if (allowed.Length == 0)
        {
            throw new ForbiddenTargetException($"{host} resolves only to addresses {purpose} may not reach");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            // The address actually connected to, checked once more.
            if (!allowPrivateTargets && socket.RemoteEndPoint is IPEndPoint remote && TargetAddresses.IsForbidden(remote.Address))
            {
                throw new ForbiddenTargetException($"{host} connected to an address {purpose} may not reach");
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

/// <summary>A connection refused by <see cref="GuardedConnect"/>: its message names the host, never an internal detail.</summary>
public sealed class ForbiddenTargetException(string message) : Exception(message);
