using System.Text.Json.Nodes;

namespace Glint.Cli.ClientsAsCode;

/// <summary>
/// A client field that <c>apply</c> keeps in line with the file, with the value it has when the file leaves it out
/// and how two values are compared. A field the file leaves out is reset to that value, so that the server ends up
/// matching the file; only <c>scope</c> is left to the server then, because its default is the server's setting.
/// </summary>
internal sealed record ManagedField(string Name, ManagedField.Kind Type, JsonNode? Unset)
{
    public enum Kind
    {
        Text,
        List,
        Switch,
        Json,
        Duration,
        Scope,
    }

    public static IReadOnlyList<ManagedField> All { get; } =
    [
        new("client_name", Kind.Text, ""),
        new("owner", Kind.Text, ""),
        new("scope", Kind.Scope, null),
        new("grant_types", Kind.List, new JsonArray()),
        new("response_types", Kind.List, new JsonArray()),
        new("redirect_uris", Kind.List, new JsonArray()),
        new("audience", Kind.List, new JsonArray()),
        new("allowed_cors_origins", Kind.List, new JsonArray()),
        new("contacts", Kind.List, new JsonArray()),
        new("post_logout_redirect_uris", Kind.List, new JsonArray()),
        new("request_uris", Kind.List, new JsonArray()),
        new("token_endpoint_auth_method", Kind.Text, "client_secret_basic"),
        new("token_endpoint_auth_signing_alg", Kind.Text, ""),
        new("subject_type", Kind.Text, "public"),
        new("userinfo_signed_response_alg", Kind.Text, "none"),
        new("request_object_signing_alg", Kind.Text, ""),
        new("access_token_strategy", Kind.Text, ""),
        new("client_uri", Kind.Text, ""),
        new("logo_uri", Kind.Text, ""),
        new("policy_uri", Kind.Text, ""),
        new("tos_uri", Kind.Text, ""),
        new("jwks_uri", Kind.Text, ""),
        new("sector_identifier_uri", Kind.Text, ""),
        new("backchannel_logout_uri", Kind.Text, ""),
        new("frontchannel_logout_uri", Kind.Text, ""),
        new("skip_consent", Kind.Switch, false),
        new("skip_logout_consent", Kind.Switch, false),
        new("backchannel_logout_session_required", Kind.Switch, false),
        new("frontchannel_logout_session_required", Kind.Switch, false),
        new("require_pushed_authorization_requests", Kind.Switch, false),
        new("dpop_bound_access_tokens", Kind.Switch, false),
        new("metadata", Kind.Json, new JsonObject()),
        new("authorization_code_grant_access_token_lifespan", Kind.Duration, null),
        new("authorization_code_grant_id_token_lifespan", Kind.Duration, null),
        new("authorization_code_grant_refresh_token_lifespan", Kind.Duration, null),
        new("client_credentials_grant_access_token_lifespan", Kind.Duration, null),
        new("implicit_grant_access_token_lifespan", Kind.Duration, null),
        new("implicit_grant_id_token_lifespan", Kind.Duration, null),
        new("jwt_bearer_grant_access_token_lifespan", Kind.Duration, null),
        new("refresh_token_grant_id_token_lifespan", Kind.Duration, null),
        new("refresh_token_grant_access_token_lifespan", Kind.Duration, null),
        new("refresh_token_grant_refresh_token_lifespan", Kind.Duration, null),
        new("device_authorization_grant_access_token_lifespan", Kind.Duration, null),
        new("device_authorization_grant_id_token_lifespan", Kind.Duration, null),
        new("device_authorization_grant_refresh_token_lifespan", Kind.Duration, null),
    ];

    /// <summary>The value the file asks for: its own, or the unset value (null for a scope left to the server).</summary>
    public JsonNode? Desired(JsonObject fileFields) =>
        fileFields.TryGetPropertyValue(Name, out var value) ? value : Unset;

    /// <summary>Whether the server's value already is what the file asks for. Scopes are a set: their order means nothing.</summary>
    public bool Matches(JsonNode? desired, JsonNode? actual) => Type switch
    {
        Kind.Scope => desired is null || Words(desired).ToHashSet().SetEquals(Words(actual)),
        Kind.Text => Text(desired) == Text(actual),
        Kind.List => Items(desired, Name).SequenceEqual(Items(actual, Name)),
        Kind.Switch => (desired?.GetValue<bool>() ?? false) == (actual is JsonValue value && value.TryGetValue<bool>(out var flag) && flag),
        Kind.Json => JsonNode.DeepEquals(desired ?? new JsonObject(), actual ?? new JsonObject()),
        Kind.Duration => GoDuration.Same(Text(desired), Text(actual)),
        _ => false,
    };

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static string[] Words(JsonNode? node) => Text(node).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The server keeps CORS origins without their trailing slash; the file may have one.</summary>
    private static IEnumerable<string> Items(JsonNode? node, string name) =>
        (node as JsonArray ?? []).Select(item => Text(item)).Select(item => name == "allowed_cors_origins" ? item.TrimEnd('/') : item);
}
