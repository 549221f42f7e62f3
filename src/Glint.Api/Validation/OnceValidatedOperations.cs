using System.Runtime.CompilerServices;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQL.Validation.Rules;
using GraphQLParser.AST;

namespace Glint.Api.Validation;

/// <summary>
/// Runs the full validation rules once per operation of a parsed document (documents are shared through
/// <see cref="Http.DocumentCache"/>, so apps sending the same few operations are validated once each), and afterwards
/// only what depends on the request's inputs: variables and arguments are still coerced and checked on every request
/// (the inner validator always does that), <see cref="QueryComplexityRule"/> runs again when <c>@skip</c>/<c>@include</c>
/// take a variable (the variables decide what is counted), and GraphQL.NET's argument validators when the schema has
/// any. No rule depends on the caller: access is decided by each root field's resolver (<see cref="Access.AccessRules"/>),
/// on every request. A result is remembered only when it came from the same schema and rules, and only for a valid
/// operation: an invalid one is validated again each time, within <see cref="GraphQLLimits"/>. An operation that
/// declares no variables, which is what apps send most (<c>me</c>), is not even coerced again: its result is reused.
/// </summary>
public sealed class OnceValidatedOperations : IDocumentValidator
{
    private static readonly IValidationRule[] NoRules = [];

    // Keyed by the operation node itself: it lives exactly as long as its cached document, so this needs no bound
    // of its own, and a document parsed again after eviction is validated again.
    private readonly ConditionalWeakTable<GraphQLOperationDefinition, Validated> _validated = new();
    private readonly DocumentValidator _inner = new();

    public Task<IValidationResult> ValidateAsync(in ValidationOptions options)
    {
        if (options.Operation is { } operation && _validated.TryGetValue(operation, out var validated) &&
            ReferenceEquals(validated.Schema, options.Schema) && ReferenceEquals(validated.Rules, options.Rules))
        {
            return validated.Whole is { } whole && options.Variables is not { Count: > 0 }
                ? whole
                : _inner.ValidateAsync(options with { Rules = validated.PerRequestRules });
        }

        return ValidateFirstAsync(options);
    }

    private async Task<IValidationResult> ValidateFirstAsync(ValidationOptions options)
    {
        var result = await _inner.ValidateAsync(options);
        if (result.IsValid && options.Operation is { } operation && options.Rules is { } rules)
        {
            var perRequest = PerRequestRules(options.Schema, options.Document, rules);
            // Without variables and without a rule to run again, nothing in the result can differ between requests:
            // the arguments it carries are the document's literals.
            var whole = perRequest.Length == 0 && operation.Variables is not { Items.Count: > 0 } && options.Variables is not { Count: > 0 } ? Task.FromResult(result) : null;
            _validated.AddOrUpdate(operation, new Validated(options.Schema, rules, perRequest, whole));
        }

        return result;
    }

    /// <summary>The rules among <paramref name="rules"/> whose verdict can change with the request's variables.</summary>
    private static IValidationRule[] PerRequestRules(ISchema schema, GraphQLDocument document, IEnumerable<IValidationRule> rules)
    {
        var perRequest = new List<IValidationRule>();
        foreach (var rule in rules)
        {
            var dependsOnInputs = rule switch
            {
                QueryComplexityRule => HasVariableDirective(document),
                FieldArgumentsAreValidRule => schema.GetMetadata<bool>(FieldArgumentsAreValidRule.HAS_FIELD_ARGUMENT_VALIDATION_KEY),
                // GraphQL.NET's other core rules look at the document and the schema alone.
                _ => rule.GetType().Assembly != typeof(DocumentValidator).Assembly,
            };
            if (dependsOnInputs)
            {
                perRequest.Add(rule);
            }
        }

        return perRequest.Count == 0 ? NoRules : [.. perRequest];
    }

    /// <summary>Whether any directive in the document takes a variable (<c>@skip(if: $x)</c>).</summary>
    private static bool HasVariableDirective(GraphQLDocument document)
    {
        var pending = new Stack<ASTNode>(document.Definitions);
        while (pending.TryPop(out var node))
        {
            if (node is IHasDirectivesNode { Directives: { } directives } &&
                directives.Items.Any(directive => directive.Arguments?.Items.Any(argument => argument.Value is GraphQLVariable) == true))
            {
                return true;
            }

            var selectionSet = node switch
            {
                GraphQLOperationDefinition operation => operation.SelectionSet,
                GraphQLFragmentDefinition fragment => fragment.SelectionSet,
                GraphQLField field => field.SelectionSet,
                GraphQLInlineFragment inline => inline.SelectionSet,
                _ => null,
            };
            foreach (var selection in selectionSet?.Selections ?? [])
            {
                pending.Push(selection);
            }
        }

        return false;
    }

    // Whole: the whole result, for an operation that declares no variables and has no rule to run again.
    private sealed record Validated(ISchema Schema, IEnumerable<IValidationRule> Rules, IValidationRule[] PerRequestRules, Task<IValidationResult>? Whole);
}
