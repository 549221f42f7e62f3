using System.Net;
using System.Net.Sockets;
using Glint.Data.Network;
using Microsoft.Extensions.Options;

namespace Glint.Callbacks.Endpoints;

/// <summary>
/// The rules a callback URL must meet when it is added: absolute, https (http only when the operator allows it), at
/// most 2,048 characters, no control characters, a port no connection refuses outright, no credentials, and a host that resolves only to public addresses unless the operator allows
/// private targets. The address is checked again at each delivery, against the one actually connected to.
/// </summary>
public sealed class EndpointUrlRules(IOptions<CallbackOptions> options)
{
    public const int MaxLength = 2048;

    /// <summary>Why <paramref name="url"/> is refused, in words that name the field and the rule; null when it is accepted.</summary>
    public async Task<string?> FindProblemAsync(string url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var settings = options.Value;
        if (url.Length > MaxLength)
        {
            return $"url must be at most {MaxLength} characters.";
        }

        if (url.Any(char.IsControl))
        {
            // Uri escapes them, so the URL would be stored as written and sent as another: refused, as the portal's URLs are.
            return "url must not contain control characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            return "url must be an absolute https URL.";
        }

        if (uri.Port == 0)
        {
            return "url must name a port from 1 to 65535.";
        }

        if (uri.Scheme == "http" && !settings.AllowHttp)
        {
            return "url must use https (this server does not allow plain http endpoints).";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "url must not carry a user name or password.";
        }

        if (uri.Fragment.Length > 0)
        {
            return "url must not have a fragment.";
        }

        if (settings.AllowPrivateTargets)
        {
            return null;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
            }
            catch (SocketException)
            {
                return $"url's host '{uri.Host}' does not resolve.";
            }
        }

        if (addresses.Length == 0)
        {
            return $"url's host '{uri.Host}' does not resolve.";
        }

        return addresses.Any(TargetAddresses.IsForbidden)
            ? "url must not point to a loopback, private, link-local or metadata address."
            : null;
    }
}
