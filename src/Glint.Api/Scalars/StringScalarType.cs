using System.Globalization;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Glint.Api.Scalars;

/// <summary>
/// A scalar sent as a JSON string; <see cref="Parse"/> checks an input and throws to refuse it, and sees only text that
/// can be stored (<see cref="StorableText"/>).
/// </summary>
public abstract class StringScalarType : ScalarGraphType
{
    protected virtual object Parse(string value) => value;

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLStringValue text => StorableText.IsStorable(text.Value.Span) ? Parse((string)text.Value) : throw Invalid(StorableText.Refusal(Name)),
        GraphQLNullValue => null,
        _ => ThrowLiteralConversionError(value),
    };

    public override object? ParseValue(object? value) => value switch
    {
        string text => StorableText.IsStorable(text) ? Parse(text) : throw Invalid(StorableText.Refusal(Name)),
        null => null,
        _ => ThrowValueConversionError(value),
    };

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        string text => text,
        Guid id => id.ToString("D"),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>Refuses an input with Blink's message for this scalar.</summary>
    protected FormatException Invalid(string? message = null) => new(message ?? $"Invalid value for {Name}");
}
