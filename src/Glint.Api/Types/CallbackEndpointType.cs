using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A webhook of the account; Glint has none yet, so lists of them are empty.</summary>
public sealed class CallbackEndpointType : ObjectGraphType<CallbackEndpointType.Source>
{
    public CallbackEndpointType()
    {
        Name = "CallbackEndpoint";
        Field<NonNullGraphType<EndpointIdType>>("id").Resolve(context => context.Source.Id);
        Field<NonNullGraphType<EndpointUrlType>>("url").Resolve(context => context.Source.Url);
    }

    public sealed record Source(string Id, string Url);
}
