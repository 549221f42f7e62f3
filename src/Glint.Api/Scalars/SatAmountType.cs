namespace Glint.Api.Scalars;

public sealed class SatAmountType : IntegerScalarType
{
    public SatAmountType()
    {
        Name = "SatAmount";
        Description = "An amount of satoshis, zero or more.";
    }

    protected override long Minimum => 0;
}
