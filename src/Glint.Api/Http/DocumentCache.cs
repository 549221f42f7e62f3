using System.Diagnostics.CodeAnalysis;
using Glint.Api.Validation;
using GraphQL;
using GraphQL.Execution;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Glint.Api.Http;

/// <summary>
/// Parsed documents by query text, so that the same operation (apps send the same few, again and again) is parsed
/// and measured against <see cref="GraphQLLimits"/> once. Bounded in entries and in query length, so that a flood of
/// distinct or huge queries cannot grow it. A refused document is remembered by its verdict alone. Documents are
/// never changed by validation or execution, so requests can share them.
/// </summary>
public sealed class DocumentCache(IOptions<GlintApiOptions> options) : IDisposable
{
    public const int MaxEntries = 1000;
    public const int MaxCachedQueryLength = 32 * 1024;

    private readonly GraphQLLimits _limits = options.Value.Limits;
    private readonly MemoryCache _documents = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    // The parser's own guard (128 levels of syntax by default) keeps its recursion, and validation's, off the stack's end.
    private readonly GraphQLDocumentBuilder _parser = new();

    /// <summary>
    /// The parsed document, or the error to answer with: a <see cref="SyntaxError"/> when the query is not valid
    /// GraphQL, or a refusal when it is beyond the limits.
    /// </summary>
    public bool TryParse(string query, [NotNullWhen(true)] out GraphQLDocument? document, [NotNullWhen(false)] out ExecutionError? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!_documents.TryGetValue(query, out Verdict? verdict) || verdict is null)
        {
            try
            {
                verdict = Judge(query);
            }
            catch (SyntaxError syntaxError)
            {
                (document, error) = (null, syntaxError);
                return false;
            }

            if (query.Length <= MaxCachedQueryLength)
            {
                _documents.Set(query, verdict, new MemoryCacheEntryOptions { Size = 1 });
            }
        }

        if (verdict.Refusal is { } refusal)
        {
            (document, error) = (null, new ExecutionError(refusal.Message) { Code = refusal.Code });
            return false;
        }

        (document, error) = (verdict.Document!, null);
        return true;
    }

    public void Dispose() => _documents.Dispose();

    private Verdict Judge(string query)
    {
        if (DocumentLimitCheck.CheckTokens(query, _limits) is { } tooLong)
        {
            return new Verdict(null, tooLong);
        }

        GraphQLDocument document;
        try
        {
            document = _parser.Build(query);
        }
        catch (GraphQLMaxDepthExceededException)
        {
            return new Verdict(null, DocumentLimitCheck.NestedTooDeeplyToParse(_limits));
        }

        return DocumentLimitCheck.Check(document, _limits) is { } refusal ? new Verdict(null, refusal) : new Verdict(document, null);
    }

    private sealed record Verdict(GraphQLDocument? Document, DocumentRefusal? Refusal);
}
