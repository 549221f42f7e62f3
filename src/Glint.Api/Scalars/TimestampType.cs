using GraphQLParser.AST;

namespace Glint.Api.Scalars;

/// <summary>A point in time as Unix seconds, as Blink sends it.</summary>
public sealed class TimestampType : IntegerScalarType
{
    public TimestampType()
    {
        Name = "Timestamp";
        Description = "A point in time as Unix time: the number of seconds since 1970-01-01T00:00:00Z.";
    }

    public override object? ParseLiteral(GraphQLValue value) => base.ParseLiteral(value) is long seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    public override object? ParseValue(object? value) => base.ParseValue(value) is long seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    public override object? Serialize(object? value) => value switch
    {
        DateTimeOffset at => at.ToUnixTimeSeconds(),
        _ => base.Serialize(value),
    };
}
