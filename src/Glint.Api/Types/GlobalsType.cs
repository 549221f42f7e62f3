using Glint.Api.Access;
using Glint.Api.LightningAddresses;
using Glint.Api.Scalars;
using Glint.Wallets.Lightning;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>Settings of this server that matter to apps.</summary>
public sealed class GlobalsType : ObjectGraphType<GlintApiOptions>
{
    public GlobalsType()
    {
        Name = "Globals";
        Field<NonNullGraphType<NetworkType>>("network").Description("The Bitcoin network: mainnet, testnet, signet or regtest.")
            .Resolve(context => context.Source.Network);
        Field<NonNullGraphType<StringGraphType>>("lightningAddressDomain").Description("The domain name for lightning addresses accepted by this server.")
            .Resolve(context => context.Service<LightningAddressDomains>().Domain);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("lightningAddressDomainAliases")
            .Resolve(context => context.Service<LightningAddressDomains>().Aliases);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("nodesIds")
            .Description("The public key that signs this server's invoices (every node shares it).")
            .Resolve(context => new[] { context.Service<LightningNode>().NodeId });
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CountryType>>>>("supportedCountries").Description("Countries where phone login works (none: Glint has no phone login).")
            .Resolve(_ => Array.Empty<CountryType.Source>());
        Field<NonNullGraphType<BuildInformationType>>("buildInformation").Resolve(context => context.Source);
        Field<NonNullGraphType<FeesInformationType>>("feesInformation").Resolve(context => context.Source);
    }
}
