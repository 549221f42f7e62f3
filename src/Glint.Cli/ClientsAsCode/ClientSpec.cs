using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Cli.Connection;

namespace Glint.Cli.ClientsAsCode;

/// <summary>
/// One client in a clients file. The keys are the Terraform <c>hydra_oauth2_client</c> resource's (snake_case, with
/// <c>scopes</c> as a list and <c>metadata</c> as a map of strings or <c>metadata_json</c>), so a resource block
/// moves over by changing its syntax only.
/// </summary>
public sealed class ClientSpec
{
    public string? ClientId { get; set; }
    public string? ClientName { get; set; }
    public string? ClientSecret { get; set; }
    public string? Owner { get; set; }
    public List<string>? Scopes { get; set; }
    public List<string>? GrantTypes { get; set; }
    public List<string>? ResponseTypes { get; set; }
    public List<string>? RedirectUris { get; set; }
    public List<string>? Audience { get; set; }
    public List<string>? AllowedCorsOrigins { get; set; }
    public List<string>? Contacts { get; set; }
    public List<string>? PostLogoutRedirectUris { get; set; }
    public List<string>? RequestUris { get; set; }
    public string? TokenEndpointAuthMethod { get; set; }
    public string? TokenEndpointAuthSigningAlg { get; set; }
    public string? SubjectType { get; set; }
    public string? UserinfoSignedResponseAlg { get; set; }
    public string? RequestObjectSigningAlg { get; set; }
    public string? AccessTokenStrategy { get; set; }
    public string? ClientUri { get; set; }
    public string? LogoUri { get; set; }
    public string? PolicyUri { get; set; }
    public string? TosUri { get; set; }
    public string? JwksUri { get; set; }
    public string? SectorIdentifierUri { get; set; }
    public string? BackchannelLogoutUri { get; set; }
    public string? FrontchannelLogoutUri { get; set; }
    public bool? SkipConsent { get; set; }
    public bool? SkipLogoutConsent { get; set; }
    public bool? BackchannelLogoutSessionRequired { get; set; }
    public bool? FrontchannelLogoutSessionRequired { get; set; }
    public bool? RequirePushedAuthorizationRequests { get; set; }
    public bool? DpopBoundAccessTokens { get; set; }
    public Dictionary<string, string>? Metadata { get; set; }
    public string? MetadataJson { get; set; }
    /// <summary>Accepted so that Terraform blocks move over unchanged; the server always keeps it at 0.</summary>
    public long? ClientSecretExpiresAt { get; set; }

    public string? AuthorizationCodeGrantAccessTokenLifespan { get; set; }
    public string? AuthorizationCodeGrantIdTokenLifespan { get; set; }
    public string? AuthorizationCodeGrantRefreshTokenLifespan { get; set; }
    public string? ClientCredentialsGrantAccessTokenLifespan { get; set; }
    public string? ImplicitGrantAccessTokenLifespan { get; set; }
    public string? ImplicitGrantIdTokenLifespan { get; set; }
    public string? JwtBearerGrantAccessTokenLifespan { get; set; }
    public string? RefreshTokenGrantIdTokenLifespan { get; set; }
    public string? RefreshTokenGrantAccessTokenLifespan { get; set; }
    public string? RefreshTokenGrantRefreshTokenLifespan { get; set; }
    public string? DeviceAuthorizationGrantAccessTokenLifespan { get; set; }
    public string? DeviceAuthorizationGrantIdTokenLifespan { get; set; }
    public string? DeviceAuthorizationGrantRefreshTokenLifespan { get; set; }

    /// <summary>How the plan names this client: its name, else its id.</summary>
    public string Label => string.IsNullOrEmpty(ClientName) ? ClientId ?? "" : ClientName;

    /// <summary>True unless the client authenticates without a secret.</summary>
    public bool IsConfidential => TokenEndpointAuthMethod != "none";

    /// <summary>The fields this spec sets, under the admin API's names (<c>scopes</c> becomes <c>scope</c>, and so on).</summary>
    public JsonObject WireFields(string where)
    {
        var fields = new JsonObject();
        void Text(string name, string? value)
        {
            if (value is not null)
            {
                fields[name] = value;
            }
        }

        void List(string name, List<string>? values)
        {
            if (values is not null)
            {
                fields[name] = new JsonArray([.. values.Select(value => (JsonNode)value)]);
            }
        }

        void Switch(string name, bool? value)
        {
            if (value is not null)
            {
                fields[name] = value.Value;
            }
        }

        Text("client_name", ClientName);
        Text("owner", Owner);
        if (Scopes is not null)
        {
            fields["scope"] = string.Join(' ', Scopes);
        }

        List("grant_types", GrantTypes);
        List("response_types", ResponseTypes);
        List("redirect_uris", RedirectUris);
        List("audience", Audience);
        List("allowed_cors_origins", AllowedCorsOrigins);
        List("contacts", Contacts);
        List("post_logout_redirect_uris", PostLogoutRedirectUris);
        List("request_uris", RequestUris);
        Text("token_endpoint_auth_method", TokenEndpointAuthMethod);
        Text("token_endpoint_auth_signing_alg", TokenEndpointAuthSigningAlg);
        Text("subject_type", SubjectType);
        Text("userinfo_signed_response_alg", UserinfoSignedResponseAlg);
        Text("request_object_signing_alg", RequestObjectSigningAlg);
        Text("access_token_strategy", AccessTokenStrategy);
        Text("client_uri", ClientUri);
        Text("logo_uri", LogoUri);
        Text("policy_uri", PolicyUri);
        Text("tos_uri", TosUri);
        Text("jwks_uri", JwksUri);
        Text("sector_identifier_uri", SectorIdentifierUri);
        Text("backchannel_logout_uri", BackchannelLogoutUri);
        Text("frontchannel_logout_uri", FrontchannelLogoutUri);
        Switch("skip_consent", SkipConsent);
        Switch("skip_logout_consent", SkipLogoutConsent);
        Switch("backchannel_logout_session_required", BackchannelLogoutSessionRequired);
        Switch("frontchannel_logout_session_required", FrontchannelLogoutSessionRequired);
        Switch("require_pushed_authorization_requests", RequirePushedAuthorizationRequests);
        Switch("dpop_bound_access_tokens", DpopBoundAccessTokens);
        if (MetadataValue(where) is { } metadata)
        {
            fields["metadata"] = metadata;
        }

        Text("authorization_code_grant_access_token_lifespan", AuthorizationCodeGrantAccessTokenLifespan);
        Text("authorization_code_grant_id_token_lifespan", AuthorizationCodeGrantIdTokenLifespan);
        Text("authorization_code_grant_refresh_token_lifespan", AuthorizationCodeGrantRefreshTokenLifespan);
        Text("client_credentials_grant_access_token_lifespan", ClientCredentialsGrantAccessTokenLifespan);
        Text("implicit_grant_access_token_lifespan", ImplicitGrantAccessTokenLifespan);
        Text("implicit_grant_id_token_lifespan", ImplicitGrantIdTokenLifespan);
        Text("jwt_bearer_grant_access_token_lifespan", JwtBearerGrantAccessTokenLifespan);
        Text("refresh_token_grant_id_token_lifespan", RefreshTokenGrantIdTokenLifespan);
        Text("refresh_token_grant_access_token_lifespan", RefreshTokenGrantAccessTokenLifespan);
        Text("refresh_token_grant_refresh_token_lifespan", RefreshTokenGrantRefreshTokenLifespan);
        Text("device_authorization_grant_access_token_lifespan", DeviceAuthorizationGrantAccessTokenLifespan);
        Text("device_authorization_grant_id_token_lifespan", DeviceAuthorizationGrantIdTokenLifespan);
        Text("device_authorization_grant_refresh_token_lifespan", DeviceAuthorizationGrantRefreshTokenLifespan);
        return fields;
    }

    private JsonNode? MetadataValue(string where)
    {
        if (Metadata is not null && MetadataJson is not null)
        {
            throw new CliException($"{where}: give metadata or metadata_json, not both.");
        }

        if (Metadata is not null)
        {
            return new JsonObject(Metadata.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));
        }

        if (MetadataJson is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(MetadataJson) ?? throw new CliException($"{where}: metadata_json must not be null.");
        }
        catch (JsonException exception)
        {
            throw new CliException($"{where}: metadata_json is not valid JSON: {exception.Message}");
        }
    }
}
