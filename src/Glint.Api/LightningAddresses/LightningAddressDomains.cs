using Glint.Auth;
using Microsoft.Extensions.Options;

namespace Glint.Api.LightningAddresses;

/// <summary>
/// The domains of this server's Lightning addresses (<c>user@domain</c>): <c>api.lightning_address_domain</c>, the
/// issuer's host (and port, when not the scheme's) unless configured, and <c>api.lightning_address_domain_aliases</c>,
/// comma-separated. An address on any of them is paid in the ledger, without an HTTP call.
/// </summary>
public sealed class LightningAddressDomains
{
    public LightningAddressDomains(IOptions<GlintApiOptions> options, AuthSettings auth)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(auth);
        var settings = options.Value;
        Domain = settings.LightningAddressDomain is { Length: > 0 } configured ? configured.Trim().ToLowerInvariant() : auth.Issuer.Authority.ToLowerInvariant();
        Aliases = [.. settings.LightningAddressDomainAliases
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(alias => alias.ToLowerInvariant())
            .Where(alias => alias != Domain)
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The domain in every address this server hands out and in its pay requests' <c>text/identifier</c>.</summary>
    public string Domain { get; }

    public IReadOnlyList<string> Aliases { get; }

    /// <summary>Whether <paramref name="domain"/> (a host, with its port when it has one) is this server's domain or an alias.</summary>
    public bool IsOwn(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return string.Equals(domain, Domain, StringComparison.OrdinalIgnoreCase)
            || Aliases.Any(alias => string.Equals(domain, alias, StringComparison.OrdinalIgnoreCase));
    }
}
