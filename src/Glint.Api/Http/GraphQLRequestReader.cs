using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Transport;

namespace Glint.Api.Http;

/// <summary>
/// Reads a GraphQL request's JSON (<c>{query, operationName, variables, extensions}</c>) and, when it is not one, says
/// which field is wrong and why, in words an app developer can act on (the serializer's own messages name .NET types).
/// Numbers in variables are checked before they are converted: one too large for a double, or with hundreds of
/// digits, would otherwise fail the conversion or cost it time out of proportion to its size.
/// </summary>
public static class GraphQLRequestReader
{
    public const int MaxNumberLength = 100;

    // The reader throws on these only when a string is read, so they are all it can mean.
    private const string BrokenStrings = ": a string in it holds bytes that are not UTF-8, or escapes an unpaired UTF-16 surrogate (a \\ud800 without its \\udc00).";

    private static readonly JsonSerializerOptions InputsOptions = new() { Converters = { new InputsJsonConverter() } };

    /// <summary>A <c>POST /graphql</c> body (UTF-8, a byte order mark allowed).</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, [NotNullWhen(true)] out GraphQLRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        var reader = new Utf8JsonReader(body.StartsWith(Encoding.UTF8.Preamble) ? body[Encoding.UTF8.Preamble.Length..] : body);
        try
        {
            if (!reader.Read())
            {
                error = "The request body is empty; it must be a JSON object with a `query` string.";
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = $"The request body must be a JSON object with a `query` string, not {Describe(reader.TokenType)}.";
                return false;
            }

            var read = new GraphQLRequest();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "query":
                        if (!TryReadString(ref reader, "query", out var query, out error))
                        {
                            return false;
                        }

                        read.Query = query;
                        break;
                    case "operationName":
                        if (!TryReadString(ref reader, "operationName", out var operationName, out error))
                        {
                            return false;
                        }

                        read.OperationName = operationName;
                        break;
                    case "variables":
                        if (!TryReadVariables(ref reader, out var variables, out error))
                        {
                            return false;
                        }

                        read.Variables = variables;
                        break;
                    case "extensions":
                        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.Null))
                        {
                            error = $"`extensions` must be a JSON object, not {Describe(reader.TokenType)}.";
                            return false;
                        }

                        reader.Skip();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            // Anything after the object is malformed JSON, which the reader reports.
            while (reader.Read())
            {
            }

            (request, error) = (read, null);
            return true;
        }
        catch (JsonException exception)
        {
            error = NotJson("The request body", exception);
            return false;
        }
        catch (InvalidOperationException)
        {
            error = "The request body is not valid UTF-8 JSON" + BrokenStrings;
            return false;
        }
    }

    /// <summary>The <c>variables</c> of a GET request or a graphql-ws <c>subscribe</c>, given as JSON text.</summary>
    public static bool TryReadVariables(string json, out Inputs? variables, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        try
        {
            if (!reader.Read())
            {
                (variables, error) = (null, null);
                return true;
            }

            if (!TryReadVariables(ref reader, out variables, out error))
            {
                return false;
            }

            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException exception)
        {
            (variables, error) = (null, NotJson("`variables`", exception));
            return false;
        }
        catch (InvalidOperationException)
        {
            (variables, error) = (null, "`variables` is not valid UTF-8 JSON" + BrokenStrings);
            return false;
        }
    }

    /// <summary>Reads the value the reader is on: a JSON object of variables, or null.</summary>
    private static bool TryReadVariables(ref Utf8JsonReader reader, out Inputs? variables, [NotNullWhen(false)] out string? error)
    {
        variables = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            error = null;
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = $"`variables` must be a JSON object, not {Describe(reader.TokenType)}.";
            return false;
        }

        // A copy of the reader walks the object first; the original then converts it.
        var scan = reader;
        var depth = scan.CurrentDepth;
        while (scan.Read() && scan.CurrentDepth > depth)
        {
            if (scan.TokenType == JsonTokenType.Number && (scan.ValueSpan.Length > MaxNumberLength || !scan.TryGetDouble(out var number) || !double.IsFinite(number)))
            {
                error = $"`variables` holds a number that is out of range: numbers may have at most {MaxNumberLength} characters and must be within ±1.7e308.";
                return false;
            }
        }

        try
        {
            variables = JsonSerializer.Deserialize<Inputs>(ref reader, InputsOptions);
        }
        catch (JsonException exception) when (exception.InnerException is InvalidOperationException)
        {
            error = "`variables` is not valid UTF-8 JSON" + BrokenStrings;
            return false;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or NotImplementedException)
        {
            error = "`variables` must be a JSON object whose values are JSON values.";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryReadString(ref Utf8JsonReader reader, string field, out string? value, [NotNullWhen(false)] out string? error)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        error = reader.TokenType is JsonTokenType.String or JsonTokenType.Null ? null : $"`{field}` must be a string, not {Describe(reader.TokenType)}.";
        return error is null;
    }

    private static string NotJson(string what, JsonException exception) => string.Create(CultureInfo.InvariantCulture,
        $"{what} is not valid JSON, or nests more than 64 levels deep (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}).");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "another JSON value",
    };
}
