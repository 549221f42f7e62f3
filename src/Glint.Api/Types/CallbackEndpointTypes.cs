using Glint.Api.Errors;
using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>Blink's <c>CallbackEndpointAddInput</c>; parses to its one value, the URL.</summary>
public sealed class CallbackEndpointAddInputType : InputObjectGraphType<string>
{
    public CallbackEndpointAddInputType()
    {
        Name = "CallbackEndpointAddInput";
        Field<NonNullGraphType<EndpointUrlType>>("url").Description("callback endpoint to be called");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (string)value["url"]!;
    }
}

public sealed class CallbackEndpointAddPayloadType : ObjectGraphType<CallbackEndpointAddPayloadType.Source>
{
    public CallbackEndpointAddPayloadType()
    {
        Name = "CallbackEndpointAddPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<EndpointIdType>("id").Resolve(context => context.Source.Id);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, string? Id);
}

/// <summary>Blink's <c>CallbackEndpointDeleteInput</c>; parses to its one value, the endpoint id.</summary>
public sealed class CallbackEndpointDeleteInputType : InputObjectGraphType<string>
{
    public CallbackEndpointDeleteInputType()
    {
        Name = "CallbackEndpointDeleteInput";
        Field<NonNullGraphType<EndpointIdType>>("id");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (string)value["id"]!;
    }
}
