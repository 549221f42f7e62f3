using System.Globalization;
using Glint.Api.Scalars;
using Glint.Data.ApiKeys;
using GraphQL.Types;

namespace Glint.Api.ApiKeys;

/// <summary>Blink's <c>ApiKey</c>; <c>expired</c> is computed when read, <c>readOnly</c> is "exactly READ".</summary>
public sealed class ApiKeyType : ObjectGraphType<ApiKey>
{
    public ApiKeyType()
    {
        Name = "ApiKey";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => context.Source.Id.ToString("D", CultureInfo.InvariantCulture));
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(context => context.Source.Name);
        Field<NonNullGraphType<TimestampType>>("createdAt").Resolve(context => context.Source.CreatedAt);
        Field<NonNullGraphType<BooleanGraphType>>("revoked").Resolve(context => context.Source.RevokedAt is not null);
        Field<NonNullGraphType<BooleanGraphType>>("expired").Resolve(context => context.Source.ExpiresAt is { } at && at <= DateTimeOffset.UtcNow);
        Field<TimestampType>("lastUsedAt").Resolve(context => context.Source.LastUsedAt);
        Field<TimestampType>("expiresAt").Resolve(context => context.Source.ExpiresAt);
        Field<NonNullGraphType<BooleanGraphType>>("readOnly").Resolve(context => context.Source.Scopes == Access.Caller.ReadScope);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScopeType>>>>("scopes")
            .Resolve(context => context.Source.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}

public sealed class ApiKeyCreateInputType : InputObjectGraphType<ApiKeyCreateInputType.Source>
{
    public ApiKeyCreateInputType()
    {
        Name = "ApiKeyCreateInput";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<IntGraphType>("expireInDays");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScopeType>>>>("scopes").DefaultValue(new[] { Access.Caller.ReadScope, Access.Caller.WriteScope });
    }

    public sealed record Source(string Name, int? ExpireInDays, IReadOnlyList<string> Scopes);

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var scopes = value.TryGetValue("scopes", out var list) && list is IEnumerable<object?> items
            ? items.OfType<string>().ToList()
            : [Access.Caller.ReadScope, Access.Caller.WriteScope];
        return new Source((string)value["name"]!, value.TryGetValue("expireInDays", out var days) ? (int?)days : null, scopes);
    }
}

public sealed class ApiKeyCreatePayloadType : ObjectGraphType<ApiKeyCreatePayloadType.Source>
{
    public ApiKeyCreatePayloadType()
    {
        Name = "ApiKeyCreatePayload";
        Field<NonNullGraphType<ApiKeyType>>("apiKey").Resolve(context => context.Source.Key);
        Field<NonNullGraphType<StringGraphType>>("apiKeySecret").Resolve(context => context.Source.Secret);
    }

    public sealed record Source(ApiKey Key, string Secret);
}

/// <summary>Parses to the key's id.</summary>
public sealed class ApiKeyRevokeInputType : InputObjectGraphType<string>
{
    public ApiKeyRevokeInputType()
    {
        Name = "ApiKeyRevokeInput";
        Field<NonNullGraphType<IdGraphType>>("id");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value["id"]?.ToString() ?? "";
    }
}

public sealed class ApiKeyRevokePayloadType : ObjectGraphType<ApiKey>
{
    public ApiKeyRevokePayloadType()
    {
        Name = "ApiKeyRevokePayload";
        Field<NonNullGraphType<ApiKeyType>>("apiKey").Resolve(context => context.Source);
    }
}
