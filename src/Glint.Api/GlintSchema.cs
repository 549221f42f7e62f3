using Glint.Api.Root;
using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;

namespace Glint.Api;

/// <summary>
/// Glint's GraphQL schema: a code-first subset of Blink's public API, with Blink's names, types and nullability, so
/// that apps written for Blink run unchanged. Graph types have no constructor dependencies; resolvers take their
/// services from the request.
/// </summary>
public sealed class GlintSchema : Schema
{
    public GlintSchema()
    {
        Query = new QueryType();
        Mutation = new MutationType();
        Subscription = new Subscriptions.SubscriptionType();
        // Every String and ID input, of today's fields and tomorrow's, is checked where it is parsed.
        RegisterType(new Scalars.StorableStringType());
        RegisterType(new Scalars.StorableIdType());
    }

    /// <summary>The schema in SDL (<c>glint graphql schema</c>).</summary>
    public static string PrintSdl()
    {
        var schema = new GlintSchema();
        schema.Initialize();
        return schema.Print(new PrintOptions { IncludeDescriptions = true, IncludeDeprecationReasons = true, StringComparison = StringComparison.Ordinal });
    }
}
