using Microsoft.Extensions.Configuration;

namespace Glint.Api;

/// <summary>
/// How much work one GraphQL request may ask for (configuration section <c>api:limits</c>). Documents are measured
/// before GraphQL validation runs, because some validation rules cost more than linear time in the document's size;
/// the defaults leave every operation Blink's apps send, and GraphQL clients' introspection, well inside them, and an
/// operation that Blink's complexity limit (200) lets through is not refused for its aliases or directives.
/// </summary>
public sealed class GraphQLLimits
{
    /// <summary>The largest <c>POST /graphql</c> body, and the longest <c>GET /graphql</c> query string.</summary>
    [ConfigurationKeyName("body_bytes")]
    public int BodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest graphql-ws message.</summary>
    [ConfigurationKeyName("websocket_message_bytes")]
    public int WebSocketMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Lexical tokens in a document (names, punctuation, values), counted before it is parsed.</summary>
    [ConfigurationKeyName("tokens")]
    public int Tokens { get; set; } = 10_000;

    /// <summary>Operations and fragments in a document.</summary>
    [ConfigurationKeyName("definitions")]
    public int Definitions { get; set; } = 100;

    /// <summary>The longest chain of fragment spreads (a fragment spreading a fragment that spreads another …).</summary>
    [ConfigurationKeyName("fragment_chain")]
    public int FragmentChain { get; set; } = 32;

    /// <summary>Fields selected by the whole document once every fragment spread is replaced by what it selects.</summary>
    [ConfigurationKeyName("selections")]
    public int Selections { get; set; } = 1_000;

    /// <summary>Aliased fields written in a document.</summary>
    [ConfigurationKeyName("aliases")]
    public int Aliases { get; set; } = 200;

    /// <summary>Directives written in a document (<c>@skip</c>, <c>@include</c>, …).</summary>
    [ConfigurationKeyName("directives")]
    public int Directives { get; set; } = 200;

    /// <summary>Variables declared in a document.</summary>
    [ConfigurationKeyName("variables")]
    public int Variables { get; set; } = 100;

    /// <summary>How deep selections nest, counted through fragment spreads.</summary>
    [ConfigurationKeyName("depth")]
    public int Depth { get; set; } = 32;
}
