namespace Glint.Api.Scalars;

public sealed class CentAmountType : IntegerScalarType
{
    public CentAmountType()
    {
        Name = "CentAmount";
        Description = "An amount of US cents, zero or more.";
    }

    protected override long Minimum => 0;
}
