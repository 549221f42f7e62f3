using System.Reflection;
using System.Text;
using Glint.Api;
using Glint.Api.Validation;
using GraphQL.Execution;
using GraphQLParser.Exceptions;

namespace Glint.Server.Tests.Api;

/// <summary>
/// The pre-pass on its own: each limit lets a document exactly at it through and refuses one past it; fragments are
/// followed without recursion and measured once however often they are spread; real apps' documents pass the defaults.
/// </summary>
public sealed class DocumentLimitCheckTests
{
    private static readonly GraphQLDocumentBuilder Parser = new();

    public static TheoryData<string, string> RealOperations()
    {
        var operations = new TheoryData<string, string>();
        foreach (var field in typeof(BlinkOperations).GetFields(BindingFlags.Public | BindingFlags.Static).Where(field => field.IsLiteral))
        {
            var query = (string)field.GetRawConstantValue()!;
            operations.Add(field.Name, query);
            operations.Add(field.Name + " with __typename", ApolloTypenames(query));
        }

        operations.Add("introspection", IntrospectionQueries.Default);
        operations.Add("full introspection", IntrospectionQueries.Full);
        operations.Add("full introspection with __typename", ApolloTypenames(IntrospectionQueries.Full));
        return operations;
    }

    [Theory]
    [MemberData(nameof(RealOperations))]
    public void RealAppsOperations_PassTheDefaults(string name, string query)
    {
        var limits = new GraphQLLimits();

        Assert.Null(DocumentLimitCheck.CheckTokens(query, limits));
        Assert.True(DocumentLimitCheck.Check(Parser.Build(query), limits) is null, name);
    }

    [Fact]
    public void Tokens_AreCountedUpToTheLimit()
    {
        // query { __typename __typename } is 5 tokens.
        const string query = "query { __typename __typename }";

        Assert.Null(DocumentLimitCheck.CheckTokens(query, new GraphQLLimits { Tokens = 5 }));
        var refusal = DocumentLimitCheck.CheckTokens(query, new GraphQLLimits { Tokens = 4 });
        Assert.Equal("The document has more than 4 tokens; at most 4 are allowed.", refusal?.Message);
        Assert.Equal("GRAPHQL_PARSE_FAILED", refusal?.Code);
    }

    [Fact]
    public void Definitions_AreCounted()
    {
        var query = Chain(3); // the operation and 3 fragments

        Assert.Null(Check(query, new GraphQLLimits { Definitions = 4 }));
        Assert.Equal("The document has 4 definitions (operations and fragments); at most 3 are allowed.", Check(query, new GraphQLLimits { Definitions = 3 })?.Message);
    }

    [Fact]
    public void FragmentChain_IsTheLongestRunOfSpreads()
    {
        var query = Chain(5); // query spreads F0, F0 spreads F1 … F4: five spreads in a chain

        Assert.Null(Check(query, new GraphQLLimits { FragmentChain = 5 }));
        Assert.Equal("The document has a chain of more than 4 fragment spreads; at most 4 are allowed.", Check(query, new GraphQLLimits { FragmentChain = 4 })?.Message);
    }

    [Fact]
    public void Selections_CountEveryFieldOnceFragmentsAreExpanded()
    {
        // F1 selects 2 fields; F0 spreads it twice (4) and selects one more (5); the query spreads F0 once (5).
        // Every definition is validated on its own, so the document selects 2 + 5 + 5 = 12.
        const string query = "query { ...F0 } fragment F0 on Query { __typename ...F1 ...F1 } fragment F1 on Query { a: __typename b: __typename }";

        Assert.Null(Check(query, new GraphQLLimits { Selections = 12 }));
        Assert.Equal("The document selects more than 11 fields once its fragments are expanded; at most 11 are allowed.",
            Check(query, new GraphQLLimits { Selections = 11 })?.Message);
    }

    [Fact]
    public void FanOutBomb_IsRefusedWithoutExpandingIt()
    {
        // 2^30 fields once expanded; measured in one pass over 31 small definitions.
        var query = FanOut(30);

        Assert.Equal("The document selects more than 1,000 fields once its fragments are expanded; at most 1,000 are allowed.",
            Check(query, new GraphQLLimits())?.Message);
    }

    [Fact]
    public void Aliases_AreCounted()
    {
        const string query = "query { a: __typename b: __typename __typename }";

        Assert.Null(Check(query, new GraphQLLimits { Aliases = 2 }));
        Assert.Equal("The document has 2 aliases; at most 1 are allowed.", Check(query, new GraphQLLimits { Aliases = 1 })?.Message);
    }

    [Fact]
    public void Directives_AreCountedWhereverTheyAre()
    {
        // On the operation, a variable, a field, an inline fragment, a spread and a fragment definition.
        const string query = """
            query Q($v: Boolean = true @d) @d { __typename @skip(if: false) ... on Query @include(if: true) { __typename } ...F @d }
            fragment F on Query @d { __typename }
            """;

        Assert.Null(Check(query, new GraphQLLimits { Directives = 6 }));
        Assert.Equal("The document has 6 directives; at most 5 are allowed.", Check(query, new GraphQLLimits { Directives = 5 })?.Message);
    }

    [Fact]
    public void Variables_AreCountedAcrossOperations()
    {
        const string query = "query A($a: Int, $b: Int) { __typename } query B($c: Int) { __typename }";

        Assert.Null(Check(query, new GraphQLLimits { Variables = 3 }));
        Assert.Equal("The document declares 3 variables; at most 2 are allowed.", Check(query, new GraphQLLimits { Variables = 2 })?.Message);
    }

    [Fact]
    public void Depth_CountsThroughFragmentsAndInlineFragments()
    {
        // a (1) > b (2) > F: c (3) > ... on T: d (4) > e (5)
        const string query = "query { a { b { ...F } } } fragment F on T { c { ... on T { d { e } } } }";

        Assert.Null(Check(query, new GraphQLLimits { Depth = 5 }));
        Assert.Equal("The document nests selections 5 levels deep, counting through fragments; at most 4 are allowed.",
            Check(query, new GraphQLLimits { Depth = 4 })?.Message);
    }

    [Fact]
    public void FragmentCycle_IsRefused()
    {
        const string query = "query { ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }";

        var refusal = Check(query, new GraphQLLimits());

        Assert.Equal("Fragment \"A\" spreads itself, directly or through other fragments; fragments must not form a cycle.", refusal?.Message);
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", refusal?.Code);
    }

    [Fact]
    public void UnknownFragments_AreLeftToValidation()
    {
        Assert.Null(Check("query { ...Missing }", new GraphQLLimits()));
    }

    [Fact]
    public void LongChain_IsFollowedWithoutRecursion()
    {
        // Far past where a recursive walk would end the process; the definition limit is lifted to reach the chain.
        var query = Chain(20_000);

        var refusal = Check(query, new GraphQLLimits { Definitions = int.MaxValue, Tokens = int.MaxValue });

        Assert.Equal("The document has a chain of more than 32 fragment spreads; at most 32 are allowed.", refusal?.Message);
    }

    [Fact]
    public void DeepNesting_StopsTheParserBeforeTheStack()
    {
        var query = new StringBuilder("query ");
        for (var i = 0; i < 100; i++)
        {
            query.Append("{ a ");
        }

        query.Append('}', 100);

        Assert.Throws<GraphQLMaxDepthExceededException>(() => Parser.Build(query.ToString()));
    }

    /// <summary><c>query { __typename ...F0 }</c> and <paramref name="fragments"/> fragments, each spreading the next.</summary>
    public static string Chain(int fragments)
    {
        var query = new StringBuilder("query { __typename ...F0 }");
        for (var i = 0; i < fragments; i++)
        {
            query.Append(" fragment F").Append(i).Append(" on Query { __typename");
            if (i + 1 < fragments)
            {
                query.Append(" ...F").Append(i + 1);
            }

            query.Append(" }");
        }

        return query.ToString();
    }

    /// <summary>Fragment F0 spreads F1 twice, F1 spreads F2 twice … F<paramref name="levels"/> selects one field.</summary>
    public static string FanOut(int levels)
    {
        var query = new StringBuilder("query { ...F0 }");
        for (var i = 0; i < levels; i++)
        {
            query.Append(" fragment F").Append(i).Append(" on Query { ...F").Append(i + 1).Append(" ...F").Append(i + 1).Append(" }");
        }

        return query.Append(" fragment F").Append(levels).Append(" on Query { __typename }").ToString();
    }

    /// <summary>The document as Apollo Client sends it: <c>__typename</c> added to every selection set.</summary>
    private static string ApolloTypenames(string query) => query.Replace("{\n", "{\n __typename\n", StringComparison.Ordinal)
        .Replace("{\r\n", "{\r\n __typename\r\n", StringComparison.Ordinal);

    private static DocumentRefusal? Check(string query, GraphQLLimits limits) => DocumentLimitCheck.Check(Parser.Build(query), limits);
}
