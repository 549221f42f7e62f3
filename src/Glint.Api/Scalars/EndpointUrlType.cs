namespace Glint.Api.Scalars;

public sealed class EndpointUrlType : StringScalarType
{
    public EndpointUrlType()
    {
        Name = "EndpointUrl";
        Description = "The URL a callback endpoint is called at.";
    }
}
