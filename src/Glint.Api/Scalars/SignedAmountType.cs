namespace Glint.Api.Scalars;

public sealed class SignedAmountType : IntegerScalarType
{
    public SignedAmountType()
    {
        Name = "SignedAmount";
        Description = "An amount in minor units (sats or cents) that may be negative.";
    }
}
