namespace Glint.Api.Scalars;

public sealed class AuthTokenType : StringScalarType
{
    public AuthTokenType()
    {
        Name = "AuthToken";
        Description = "An Opaque Bearer token";
    }

    protected override object Parse(string value) => value.Length <= 200 ? value : throw Invalid();
}
