using Glint.Api.Scalars;
using Glint.Data.Callbacks;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A URL the account's payments are announced to (see <c>callbackEndpointAdd</c>).</summary>
public sealed class CallbackEndpointType : ObjectGraphType<CallbackEndpoint>
{
    public CallbackEndpointType()
    {
        Name = "CallbackEndpoint";
        Field<NonNullGraphType<EndpointIdType>>("id").Resolve(context => context.Source.Id.ToString("D"));
        Field<NonNullGraphType<EndpointUrlType>>("url").Resolve(context => context.Source.Url);
    }
}
