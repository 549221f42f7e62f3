using System.Text.Json.Nodes;

namespace Glint.Auth.Clients;

/// <summary>
/// The part of RFC 6902 that Hydra's client PATCH accepts: <c>add</c>, <c>remove</c> and <c>replace</c>, where
/// <c>replace</c> of a missing member adds it and <c>add</c> creates missing parents (Hydra's ory/x jsonx semantics,
/// which the typed ASP.NET Core JSON Patch library does not offer).
/// </summary>
public static class JsonPatch
{
    public sealed record Operation(string Op, string Path, JsonNode? Value);

    /// <summary>Parses a patch document; throws <see cref="FormatException"/>, with a message for the client, on bad input.</summary>
    public static IReadOnlyList<Operation> Parse(JsonNode? body)
    {
        if (body is not JsonArray array)
        {
            throw new FormatException("A JSON Patch document must be a JSON array.");
        }

        var operations = new List<Operation>();
        foreach (var item in array)
        {
            if (item is not JsonObject operation || Text(operation["op"]) is not { } op || Text(operation["path"]) is not { } path)
            {
                throw new FormatException("Each JSON Patch operation must be an object whose op and path are strings.");
            }

            operations.Add(new Operation(op, path, operation["value"]?.DeepClone()));
        }

        return operations;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static void Apply(JsonNode document, IEnumerable<Operation> operations)
    {
        foreach (var operation in operations)
        {
            var segments = Pointer(operation.Path);
            if (segments.Length == 0)
            {
                throw new FormatException("The JSON Patch path must not be the document root.");
            }

            switch (operation.Op)
            {
                case "add":
                case "replace":
                    Set(document, segments, operation.Value, insert: operation.Op == "add");
                    break;
                case "remove":
                    Remove(document, segments, operation.Path);
                    break;
                default:
                    throw new FormatException($"JSON Patch operation '{operation.Op}' is not supported: use add, remove or replace.");
            }
        }
    }

    private static string[] Pointer(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw new FormatException($"JSON Patch path '{path}' must start with '/'.");
        }

        return path[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static void Set(JsonNode document, string[] segments, JsonNode? value, bool insert)
    {
        var parent = document;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var next = Child(parent, segments[i]);
            if (next is null)
            {
                next = new JsonObject();
                if (parent is JsonObject parentObject)
                {
                    parentObject[segments[i]] = next;
                }
                else
                {
                    throw new FormatException($"JSON Patch path segment '{segments[i]}' does not exist.");
                }
            }

            parent = next;
        }

        var last = segments[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(last, out var index) && index >= 0 && index <= array.Count:
                if (insert || index == array.Count)
                {
                    array.Insert(index, value);
                }
                else
                {
                    array[index] = value;
                }

                break;
            default:
                throw new FormatException($"JSON Patch path segment '{last}' is not a valid target.");
        }
    }

    private static void Remove(JsonNode document, string[] segments, string path)
    {
        var parent = document;
        foreach (var segment in segments[..^1])
        {
            parent = Child(parent, segment) ?? throw new FormatException($"JSON Patch path '{path}' does not exist.");
        }

        var last = segments[^1];
        var removed = parent switch
        {
            JsonObject obj => obj.Remove(last),
            JsonArray array when int.TryParse(last, out var index) && index >= 0 && index < array.Count => RemoveAt(array, index),
            _ => false,
        };
        if (!removed)
        {
            throw new FormatException($"JSON Patch path '{path}' does not exist.");
        }
    }

    private static bool RemoveAt(JsonArray array, int index)
    {
        array.RemoveAt(index);
        return true;
    }

    private static JsonNode? Child(JsonNode node, string segment) => node switch
    {
        JsonObject obj => obj[segment],
        JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count => array[index],
        _ => null,
    };
}
