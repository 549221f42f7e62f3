namespace Glint.Api.Scalars;

public sealed class SafeIntType : IntegerScalarType
{
    public SafeIntType()
    {
        Name = "SafeInt";
        Description = "A whole number that a JavaScript number holds exactly: between -(2^53 - 1) and 2^53 - 1.";
    }

    protected override long Minimum => -9_007_199_254_740_991;

    protected override long Maximum => 9_007_199_254_740_991;
}
