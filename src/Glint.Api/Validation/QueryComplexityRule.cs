using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;

namespace Glint.Api.Validation;

/// <summary>
/// Blink's query complexity limit: each field costs 1, or the cost it declares (every mutation declares 120), plus
/// what its selection costs; no multiplication by list sizes; an abstract selection costs its most expensive possible
/// type; introspection and <c>__typename</c> cost nothing; <c>@skip</c>/<c>@include</c> are honoured. A request whose
/// operation reaches <see cref="Maximum"/> is refused, so one request can carry at most one mutation.
/// </summary>
public sealed class QueryComplexityRule : ValidationRuleBase
{
    public const long Maximum = 200;
    public const long MutationCost = 120;
    public const string CostKey = "glint:complexity";

    public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Other rules' errors (unknown fields, fragment cycles) make the document unfit to measure; they are reported already.
        if (!context.HasErrors && Root(context) is { } root)
        {
            var complexity = SelectionSet(context, context.Operation.SelectionSet, root);
            if (complexity >= Maximum)
            {
                context.ReportError(new QueryComplexityError(complexity, Maximum));
            }
        }

        return default;
    }

    private static IObjectGraphType? Root(ValidationContext context) => context.Operation.Operation switch
    {
        OperationType.Query => context.Schema.Query,
        OperationType.Mutation => context.Schema.Mutation,
        OperationType.Subscription => context.Schema.Subscription,
        _ => null,
    };

    private static long SelectionSet(ValidationContext context, GraphQLSelectionSet selectionSet, IGraphType type)
    {
        var possibleTypes = PossibleTypeNames(type);
        var costs = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var selection in selectionSet.Selections)
        {
            if (!context.ShouldIncludeNode(selection))
            {
                continue;
            }

            switch (selection)
            {
                case GraphQLField field when type is IComplexGraphType complex && complex.GetField(field.Name.Value) is { } definition:
                    var children = field.SelectionSet is null ? 0 : SelectionSet(context, field.SelectionSet, definition.ResolvedType!.GetNamedType());
                    Add(costs, possibleTypes, Cost(definition) + children);
                    break;
                case GraphQLInlineFragment inline:
                    var inlineType = inline.TypeCondition is null ? type : context.Schema.AllTypes[inline.TypeCondition.Type.Name.Value];
                    if (inlineType is not null)
                    {
                        Add(costs, PossibleTypeNames(inlineType), SelectionSet(context, inline.SelectionSet, inlineType));
                    }

                    break;
                case GraphQLFragmentSpread spread when context.Document.FindFragmentDefinition(spread.FragmentName.Name.Value) is { } fragment:
                    if (context.Schema.AllTypes[fragment.TypeCondition.Type.Name.Value] is { } fragmentType)
                    {
                        Add(costs, PossibleTypeNames(fragmentType), SelectionSet(context, fragment.SelectionSet, fragmentType));
                    }

                    break;
            }
        }

        return costs.Count == 0 ? 0 : Math.Max(0, costs.Values.Max());
    }

    private static long Cost(FieldType field) => field.HasMetadata(CostKey) ? field.GetMetadata<long>(CostKey) : 1;

    private static IEnumerable<string> PossibleTypeNames(IGraphType type) =>
        type is IAbstractGraphType abstractType ? abstractType.PossibleTypes.Select(possible => possible.Name) : [type.Name];

    private static void Add(Dictionary<string, long> costs, IEnumerable<string> typeNames, long cost)
    {
        foreach (var name in typeNames)
        {
            costs[name] = costs.GetValueOrDefault(name) + cost;
        }
    }
}
