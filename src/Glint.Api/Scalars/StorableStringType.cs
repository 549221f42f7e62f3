using GraphQL.Types;
using GraphQLParser.AST;

namespace Glint.Api.Scalars;

/// <summary>GraphQL's <c>String</c>, taking only text that can be stored (<see cref="StorableText"/>); its output is unchanged.</summary>
public sealed class StorableStringType : StringGraphType
{
    public StorableStringType()
    {
        Name = "String";
    }

    public override object? ParseLiteral(GraphQLValue value) =>
        value is GraphQLStringValue text && !StorableText.IsStorable(text.Value.Span) ? throw new FormatException(StorableText.Refusal(Name)) : base.ParseLiteral(value);

    public override bool CanParseLiteral(GraphQLValue value) =>
        base.CanParseLiteral(value) && (value is not GraphQLStringValue text || StorableText.IsStorable(text.Value.Span));

    public override object? ParseValue(object? value) =>
        value is string text && !StorableText.IsStorable(text) ? throw new FormatException(StorableText.Refusal(Name)) : base.ParseValue(value);

    public override bool CanParseValue(object? value) => base.CanParseValue(value) && (value is not string text || StorableText.IsStorable(text));
}
