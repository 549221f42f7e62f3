using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class CountryType : ObjectGraphType<CountryType.Source>
{
    public CountryType()
    {
        Name = "Country";
        Field<NonNullGraphType<CountryCodeType>>("id").Resolve(context => context.Source.Id);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PhoneCodeChannelTypeType>>>>("supportedAuthChannels").Resolve(context => context.Source.Channels);
    }

    public sealed record Source(string Id, IReadOnlyList<string> Channels);
}
