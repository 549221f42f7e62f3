using System.Text.Json;
using System.Text.Json.Serialization;
using GraphQL;

namespace Glint.Api.Http;

/// <summary>Writes a top-level error in Blink's shape: <c>{message, locations, path, code}</c>, with no <c>extensions</c>.</summary>
public sealed class ErrorJsonConverter : JsonConverter<ExecutionError>
{
    public override bool CanConvert(Type typeToConvert) => typeof(ExecutionError).IsAssignableFrom(typeToConvert);

    public override ExecutionError Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Errors are only written.");

    public override void Write(Utf8JsonWriter writer, ExecutionError value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        writer.WriteString("message", value.Message);
        if (value.Locations is { Count: > 0 } locations)
        {
            writer.WriteStartArray("locations");
            foreach (var location in locations)
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", location.Line);
                writer.WriteNumber("column", location.Column);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (value.Path?.Any() == true)
        {
            writer.WriteStartArray("path");
            foreach (var segment in value.Path)
            {
                if (segment is int index)
                {
                    writer.WriteNumberValue(index);
                }
                else
                {
                    writer.WriteStringValue(segment?.ToString());
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteString("code", ErrorCodes.Of(value));
        writer.WriteEndObject();
    }
}
