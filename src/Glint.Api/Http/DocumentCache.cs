using GraphQL.Execution;
using GraphQLParser.AST;
using Microsoft.Extensions.Caching.Memory;

namespace Glint.Api.Http;

/// <summary>
/// Parsed documents by query text, so that the same operation (apps send the same few, again and again) is parsed
/// once. Bounded in entries and in query length, so that a flood of distinct or huge queries cannot grow it.
/// Documents are never changed by validation or execution, so requests can share them.
/// </summary>
public sealed class DocumentCache : IDisposable
{
    public const int MaxEntries = 1000;
    public const int MaxCachedQueryLength = 32 * 1024;

    private readonly MemoryCache _documents = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly GraphQLDocumentBuilder _parser = new();

    /// <summary>The parsed document; throws <see cref="SyntaxError"/> when the query is not valid GraphQL.</summary>
    public GraphQLDocument Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_documents.TryGetValue(query, out GraphQLDocument? cached) && cached is not null)
        {
            return cached;
        }

        var document = _parser.Build(query);
        if (query.Length <= MaxCachedQueryLength)
        {
            _documents.Set(query, document, new MemoryCacheEntryOptions { Size = 1 });
        }

        return document;
    }

    public void Dispose() => _documents.Dispose();
}
