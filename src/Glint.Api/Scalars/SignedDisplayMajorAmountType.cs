namespace Glint.Api.Scalars;

public sealed class SignedDisplayMajorAmountType : StringScalarType
{
    public SignedDisplayMajorAmountType()
    {
        Name = "SignedDisplayMajorAmount";
        Description = "An amount in major units of the display currency, as a decimal string that may be negative (\"-12.34\").";
    }
}
