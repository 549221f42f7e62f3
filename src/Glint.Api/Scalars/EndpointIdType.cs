namespace Glint.Api.Scalars;

public sealed class EndpointIdType : StringScalarType
{
    public EndpointIdType()
    {
        Name = "EndpointId";
        Description = "The id of a callback endpoint.";
    }
}
