using GraphQL;

namespace Glint.Api.Root;

/// <summary>Reads the fields of a Lightning mutation's <c>input</c>, already parsed by their scalars (ids, amounts, hashes).</summary>
internal sealed class LightningInput(IDictionary<string, object?> fields)
{
    public static LightningInput Of(IResolveFieldContext context) => new(context.GetArgument<Dictionary<string, object?>>("input"));

    public Guid Guid(string name) => (Guid)fields[name]!;

    public long? Long(string name) => fields.TryGetValue(name, out var value) && value is not null ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public string? String(string name) => fields.TryGetValue(name, out var value) ? value as string : null;
}
