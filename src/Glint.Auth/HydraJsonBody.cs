using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth;

/// <summary>
/// Reads admin API request bodies. Malformed JSON and values of the wrong type become Hydra's 400 naming the field
/// and the JSON type it must have; the serializer's own messages (which name .NET types) never reach the client.
/// </summary>
public static partial class HydraJsonBody
{
    /// <summary>Deeper than any document of the admin API; System.Text.Json's own default, stated.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// How deep a free-form value of the admin API (a client's metadata, a login's context, a consent's session claims)
    /// may nest. Glint sends each inside other documents (a page of clients, a sealed flow, a consent session list),
    /// and System.Text.Json writes at most <see cref="MaxDepth"/> levels: a value that only just parsed could never be
    /// sent. Half the limit leaves room for any envelope.
    /// </summary>
    public const int FreeFormDepth = 32;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    private const string Prefix = "Unable to decode the request body: ";

    /// <summary>The body as <typeparamref name="T"/>, or the error to send. A body over the endpoint's size limit throws, as Kestrel does.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request) where T : class
    {
        // The whole body is in memory either way (a JsonDocument holds it); the endpoint's body limit bounds it.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            // JsonDocument checks UTF-8 only when a string is read, which would fail deep inside the serializer.
            return (null, HydraError.Malformed(Prefix + "the body is not valid UTF-8."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException exception)
        {
            return (null, HydraError.Malformed(Prefix + NotJson(exception)));
        }

        using (document)
        {
            return EscapedSurrogates.AnyUnpaired(bytes.Span)
                ? (null, HydraError.Malformed(Prefix + "a string in it escapes an unpaired UTF-16 surrogate (a \\ud800 without its \\udc00, or a \\udc00 alone), which is not text."))
                : Convert<T>(document.RootElement);
        }
    }

    /// <summary><paramref name="node"/> as <typeparamref name="T"/>, or the error to send (a JSON Patch result, for instance).</summary>
    public static (T? Value, IResult? Error) Convert<T>(JsonNode? node) where T : class
    {
        if (Depth(node) > MaxDepth)
        {
            // A patch can nest a document deeper than any body parsed; the serializer would refuse it with an exception of its own.
            return (null, HydraError.Malformed(Prefix + $"the document nests deeper than {MaxDepth} levels."));
        }

        try
        {
            return Checked(node.Deserialize<T>(HydraJson.Options));
        }
        catch (JsonException exception)
        {
            return (null, HydraError.Malformed(Prefix + WrongType(typeof(T), exception.Path)));
        }
    }

    private static (T? Value, IResult? Error) Convert<T>(JsonElement element) where T : class
    {
        try
        {
            return Checked(element.Deserialize<T>(HydraJson.Options));
        }
        catch (JsonException exception)
        {
            return (null, HydraError.Malformed(Prefix + WrongType(typeof(T), exception.Path)));
        }
    }

    /// <summary>The hint for Hydra's 400 when the free-form <paramref name="value"/> of <paramref name="field"/> nests deeper than <see cref="FreeFormDepth"/>, or null.</summary>
    public static string? FreeFormTooDeep(string field, JsonNode? value) =>
        Depth(value) > FreeFormDepth ? $"Field '{field}' must nest at most {FreeFormDepth} levels deep." : null;

    /// <summary>How many objects and arrays deep <paramref name="node"/> nests, walked without recursion: 0 for a string or number, 1 for <c>{}</c>.</summary>
    public static int Depth(JsonNode? node)
    {
        var deepest = 0;
        var pending = new Stack<(JsonNode? Node, int Depth)>();
        pending.Push((node, 0));
        while (pending.TryPop(out var next))
        {
            var children = next.Node switch
            {
                JsonObject members => members.Select(static member => member.Value),
                JsonArray items => items,
                _ => null,
            };
            if (children is null)
            {
                continue;
            }

            deepest = Math.Max(deepest, next.Depth + 1);
            foreach (var child in children)
            {
                pending.Push((child, next.Depth + 1));
            }
        }

        return deepest;
    }

    /// <summary>How many objects and arrays deep <paramref name="value"/> nests: 0 for a string or number, 1 for <c>{}</c>.</summary>
    public static int Depth(JsonElement value)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(value.GetRawText()));
        var deepest = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                deepest = Math.Max(deepest, reader.CurrentDepth + 1);
            }
        }

        return deepest;
    }

    private static (T? Value, IResult? Error) Checked<T>(T? value) where T : class =>
        value is null ? (null, HydraError.Malformed(Prefix + "the body must be a JSON object.")) : (value, null);

    private static string NotJson(JsonException exception) =>
        exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? $"the body is not valid JSON, or nests deeper than {MaxDepth} levels (line {line + 1}, byte {position + 1})."
            : $"the body is not valid JSON, or nests deeper than {MaxDepth} levels.";

    /// <summary>"field redirect_uris must be an array of strings", following the serializer's JSON path through the model.</summary>
    public static string WrongType(Type root, string? path)
    {
        var type = root;
        var field = "";
        foreach (Match segment in PathSegment().Matches(path ?? ""))
        {
            if (segment.Groups["index"].Success)
            {
                field += segment.Value;
                type = ElementType(type);
            }
            else
            {
                var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal);
                field += field.Length == 0 ? name : "." + name;
                type = PropertyType(type, name);
            }

            if (type is null)
            {
                return $"field {field} has a value of the wrong type.";
            }
        }

        return field.Length == 0 ? $"the body must be {Describe(root)}." : $"field {field} must be {Describe(type)}.";
    }

    private static Type? PropertyType(Type? type, string name)
    {
        if (type is null || type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type))
        {
            return null;
        }

        return HydraJson.Options.GetTypeInfo(type).Properties.FirstOrDefault(property => property.Name == name)?.PropertyType;
    }

    private static Type? ElementType(Type? type)
    {
        if (type is null || type == typeof(string))
        {
            return null;
        }

        return type.IsArray ? type.GetElementType()
            : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return "an RFC 3339 timestamp string";
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return "a number";
        }

        if (type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type))
        {
            return "a JSON value";
        }

        if (typeof(IEnumerable).IsAssignableFrom(type) && ElementType(type) is { } element && !IsDictionary(type))
        {
            return element == typeof(string) ? "an array of strings" : "an array";
        }

        return "a JSON object";
    }

    private static bool IsDictionary(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    /// <summary>One step of a System.Text.Json path: <c>.name</c>, <c>['odd name']</c> or <c>[3]</c>.</summary>
    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();
}
