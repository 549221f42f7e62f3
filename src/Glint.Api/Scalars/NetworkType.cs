using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class NetworkType : EnumerationGraphType
{
    public NetworkType()
    {
        Name = "Network";
        Description = "The Bitcoin network this server runs on.";
        Add("mainnet", "mainnet");
        Add("regtest", "regtest");
        Add("signet", "signet");
        Add("testnet", "testnet");
    }
}
