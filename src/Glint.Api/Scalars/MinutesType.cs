namespace Glint.Api.Scalars;

public sealed class MinutesType : IntegerScalarType
{
    public MinutesType()
    {
        Name = "Minutes";
        Description = "(Positive) amount of minutes";
    }

    protected override long Minimum => 1;

    protected override long Maximum => int.MaxValue;
}
