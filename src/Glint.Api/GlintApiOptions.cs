using Microsoft.Extensions.Configuration;

namespace Glint.Api;

/// <summary>What <c>globals</c> tells apps about this server (configuration section <c>api</c>: <c>api.network</c>, <c>api.lightning_address_domain</c>, <c>api.lightning_address_domain_aliases</c>), and the bounds of one request (<c>api.limits</c>).</summary>
public sealed class GlintApiOptions
{
    public const string Section = "api";

    /// <summary>mainnet, testnet, signet or regtest.</summary>
    public string Network { get; set; } = "mainnet";

    /// <summary>The domain of the server's Lightning addresses (user@domain); empty means the issuer's host (see LightningAddressDomains).</summary>
    [ConfigurationKeyName("lightning_address_domain")]
    public string LightningAddressDomain { get; set; } = "";

    /// <summary>Other domains whose Lightning addresses are this server's, comma-separated.</summary>
    [ConfigurationKeyName("lightning_address_domain_aliases")]
    public string LightningAddressDomainAliases { get; set; } = "";

    /// <summary>The authentication scheme that reads API credentials; graphql-ws connections authenticate with it too.</summary>
    public string AuthenticationScheme { get; set; } = "glint-api";

    /// <summary>How long a graphql-ws client has to send <c>connection_init</c>.</summary>
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The bounds on one request's size and on its document (section <c>api:limits</c>).</summary>
    public GraphQLLimits Limits { get; set; } = new();
}
