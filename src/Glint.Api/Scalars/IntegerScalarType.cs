using System.Globalization;
using System.Numerics;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Glint.Api.Scalars;

/// <summary>A whole number between <see cref="Minimum"/> and <see cref="Maximum"/>, carried as a <see cref="long"/>.</summary>
public abstract class IntegerScalarType : ScalarGraphType
{
    protected virtual long Minimum => long.MinValue;

    protected virtual long Maximum => long.MaxValue;

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLIntValue number when long.TryParse(number.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => Checked(parsed),
        GraphQLNullValue => null,
        _ => ThrowLiteralConversionError(value),
    };

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        int number => Checked(number),
        long number => Checked(number),
        short or ushort or byte or sbyte or uint => Checked(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong number when number <= long.MaxValue => Checked((long)number),
        BigInteger number when number >= long.MinValue && number <= long.MaxValue => Checked((long)number),
        _ => ThrowValueConversionError(value),
    };

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        long number => number,
        int number => (long)number,
        _ => ParseValue(value),
    };

    private long Checked(long value) =>
        value >= Minimum && value <= Maximum ? value : throw new FormatException($"Invalid value for {Name}");
}
