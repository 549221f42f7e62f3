using System.Globalization;
using Glint.Api.Http;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace Glint.Api.Validation;

/// <summary>Why a document is refused before validation: the message names the limit, the code is Blink's.</summary>
public sealed record DocumentRefusal(string Message, string Code);

/// <summary>
/// Measures a document against <see cref="GraphQLLimits"/> before GraphQL validation sees it. Some validation rules
/// follow fragment spreads recursively (a long enough chain overflows the stack, which ends the process) and several
/// cost more than linear time in the number of fields, directives or variables; every count here is linear in the
/// document, and fragments are followed with an explicit stack, each fragment measured once and its result reused
/// wherever it is spread, so a fragment spread twice by one spread twice by another … costs no more than it is long.
/// </summary>
public static class DocumentLimitCheck
{
    /// <summary>Refuses a query with more tokens than allowed, counting no further than the limit and building nothing.</summary>
    public static DocumentRefusal? CheckTokens(string query, GraphQLLimits limits)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(limits);
        var count = 0;
        var position = 0;
        try
        {
            while (true)
            {
                var token = Lexer.Lex(query, position);
                if (token.Kind == TokenKind.EOF)
                {
                    return null;
                }

                if (++count > limits.Tokens)
                {
                    return Refuse(ErrorCodes.ParseFailed, $"The document has more than {N(limits.Tokens)} tokens; at most {N(limits.Tokens)} are allowed.");
                }

                position = token.End;
            }
        }
        catch (GraphQLSyntaxErrorException)
        {
            // The parser reports it, with its location.
            return null;
        }
    }

    /// <summary>What the parser's own depth guard means for whoever sent the document.</summary>
    public static DocumentRefusal NestedTooDeeplyToParse(GraphQLLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return Refuse(ErrorCodes.ParseFailed, $"The document nests too deeply to be read; selections may nest at most {N(limits.Depth)} levels deep.");
    }

    public static DocumentRefusal? Check(GraphQLDocument document, GraphQLLimits limits)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(limits);
        if (document.Definitions.Count > limits.Definitions)
        {
            return Refuse(ErrorCodes.ValidationFailed, $"The document has {N(document.Definitions.Count)} definitions (operations and fragments); at most {N(limits.Definitions)} are allowed.");
        }

        var tally = new Tally();
        var definitions = new List<Definition>(document.Definitions.Count);
        var fragments = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in document.Definitions)
        {
            if (node is GraphQLExecutableDefinition executable)
            {
                if (executable is GraphQLFragmentDefinition fragment)
                {
                    // Validation rules look spreads up by name and take the first definition; so does this.
                    fragments.TryAdd(fragment.FragmentName.Name.StringValue, definitions.Count);
                }

                definitions.Add(Measure(executable, tally));
            }
        }

        if (tally.Aliases > limits.Aliases)
        {
            return Refuse(ErrorCodes.ValidationFailed, $"The document has {N(tally.Aliases)} aliases; at most {N(limits.Aliases)} are allowed.");
        }

        if (tally.Directives > limits.Directives)
        {
            return Refuse(ErrorCodes.ValidationFailed, $"The document has {N(tally.Directives)} directives; at most {N(limits.Directives)} are allowed.");
        }

        if (tally.Variables > limits.Variables)
        {
            return Refuse(ErrorCodes.ValidationFailed, $"The document declares {N(tally.Variables)} variables; at most {N(limits.Variables)} are allowed.");
        }

        return FollowSpreads(definitions, fragments, limits);
    }

    /// <summary>
    /// Every definition's fields, depth and chain of spreads once its spreads are expanded, computed after the
    /// definitions it spreads (post-order over an explicit stack), so each is computed once.
    /// </summary>
    private static DocumentRefusal? FollowSpreads(List<Definition> definitions, Dictionary<string, int> fragments, GraphQLLimits limits)
    {
        // Capped one past the limit: a fan-out of spreads would otherwise overflow any counter.
        long fieldCap = limits.Selections + 1L;
        var fields = new long[definitions.Count];
        var depths = new int[definitions.Count];
        var chains = new int[definitions.Count];
        var states = new byte[definitions.Count]; // 0 not reached, 1 on the stack, 2 measured
        var stack = new Stack<(int Definition, int NextSpread)>();
        long totalFields = 0;
        for (var root = 0; root < definitions.Count; root++)
        {
            if (states[root] == 0)
            {
                states[root] = 1;
                stack.Push((root, 0));
            }

            while (stack.Count > 0)
            {
                var (current, next) = stack.Pop();
                var spreads = definitions[current].Spreads;
                if (next < spreads.Count)
                {
                    stack.Push((current, next + 1));
                    if (!fragments.TryGetValue(spreads[next].Fragment, out var target))
                    {
                        continue; // Unknown fragments are validation's to report.
                    }

                    if (states[target] == 1)
                    {
                        return Refuse(ErrorCodes.ValidationFailed, $"Fragment \"{spreads[next].Fragment}\" spreads itself, directly or through other fragments; fragments must not form a cycle.");
                    }

                    if (states[target] == 0)
                    {
                        states[target] = 1;
                        stack.Push((target, 0));
                    }

                    continue;
                }

                var definition = definitions[current];
                long expanded = definition.Fields;
                var depth = definition.Depth;
                var chain = 0;
                foreach (var spread in spreads)
                {
                    if (fragments.TryGetValue(spread.Fragment, out var target))
                    {
                        expanded = Math.Min(fieldCap, expanded + fields[target]);
                        depth = Math.Max(depth, spread.Depth + depths[target]);
                        chain = Math.Max(chain, 1 + chains[target]);
                    }
                }

                (fields[current], depths[current], chains[current], states[current]) = (expanded, depth, chain, 2);
                if (chain > limits.FragmentChain)
                {
                    return Refuse(ErrorCodes.ValidationFailed, $"The document has a chain of more than {N(limits.FragmentChain)} fragment spreads; at most {N(limits.FragmentChain)} are allowed.");
                }

                if (depth > limits.Depth)
                {
                    return Refuse(ErrorCodes.ValidationFailed, $"The document nests selections {N(depth)} levels deep, counting through fragments; at most {N(limits.Depth)} are allowed.");
                }
            }

            // Validation visits every definition, fragments on their own as well as where they are spread.
            totalFields = Math.Min(fieldCap, totalFields + fields[root]);
            if (totalFields > limits.Selections)
            {
                return Refuse(ErrorCodes.ValidationFailed, $"The document selects more than {N(limits.Selections)} fields once its fragments are expanded; at most {N(limits.Selections)} are allowed.");
            }
        }

        return null;
    }

    /// <summary>One definition's own fields, depth and spreads, walked with an explicit stack.</summary>
    private static Definition Measure(GraphQLExecutableDefinition executable, Tally tally)
    {
        var definition = new Definition();
        tally.Directives += executable.Directives?.Count ?? 0;
        if (executable is GraphQLOperationDefinition { Variables: { } variables })
        {
            tally.Variables += variables.Count;
            foreach (var variable in variables)
            {
                tally.Directives += variable.Directives?.Count ?? 0;
            }
        }

        // Depth is the number of fields on the path to a selection: the definition's own fields are at depth 1.
        var pending = new Stack<(GraphQLSelectionSet Set, int Depth)>();
        pending.Push((executable.SelectionSet, 1));
        while (pending.Count > 0)
        {
            var (set, depth) = pending.Pop();
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        definition.Fields++;
                        definition.Depth = Math.Max(definition.Depth, depth);
                        tally.Aliases += field.Alias is null ? 0 : 1;
                        tally.Directives += field.Directives?.Count ?? 0;
                        if (field.SelectionSet is { } children)
                        {
                            pending.Push((children, depth + 1));
                        }

                        break;
                    case GraphQLInlineFragment inline:
                        tally.Directives += inline.Directives?.Count ?? 0;
                        pending.Push((inline.SelectionSet, depth));
                        break;
                    case GraphQLFragmentSpread spread:
                        tally.Directives += spread.Directives?.Count ?? 0;
                        definition.Spreads.Add((spread.FragmentName.Name.StringValue, depth - 1));
                        break;
                }
            }
        }

        return definition;
    }

    private static DocumentRefusal Refuse(string code, string message) => new(message, code);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private sealed class Tally
    {
        public long Aliases { get; set; }

        public long Directives { get; set; }

        public long Variables { get; set; }
    }

    private sealed class Definition
    {
        public long Fields { get; set; }

        public int Depth { get; set; }

        /// <summary>Each spread, with the depth of the field it is spread in (0 at the top of the definition).</summary>
        public List<(string Fragment, int Depth)> Spreads { get; } = [];
    }
}
