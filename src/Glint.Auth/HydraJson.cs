using System.Text.Encodings.Web;
using System.Text.Json;

namespace Glint.Auth;

/// <summary>JSON settings of the admin API: Hydra's names are explicit on every property, so no naming policy.</summary>
public static class HydraJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        // Hydra's decoder ignores unknown fields: the CLI and Terraform send fields newer servers know.
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
        Converters = { new UtcTimestampConverter() },
    };

    /// <summary>RFC 3339 in UTC with a <c>Z</c>, as Hydra writes every timestamp.</summary>
    private sealed class UtcTimestampConverter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            // A JsonException gets the field's path from the serializer, which HydraJsonBody names in its error.
            reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value) ? value : throw new JsonException();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }
}
