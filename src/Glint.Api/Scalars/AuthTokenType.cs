namespace Glint.Api.Scalars;

public sealed class AuthTokenType : StringScalarType
{
    public AuthTokenType()
    {
        Name = "AuthToken";
        Description = "An Opaque Bearer token";
    }
}
