using System.Text.Json.Serialization;

namespace Glint.Auth.Clients;

/// <summary>The body of <c>PUT /admin/clients/{id}/lifespans</c>: every per-grant token lifespan, absent meaning unset.</summary>
public sealed class ClientLifespans
{
    [JsonPropertyName("authorization_code_grant_access_token_lifespan")] public string? AuthorizationCodeGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("authorization_code_grant_id_token_lifespan")] public string? AuthorizationCodeGrantIdTokenLifespan { get; set; }
    [JsonPropertyName("authorization_code_grant_refresh_token_lifespan")] public string? AuthorizationCodeGrantRefreshTokenLifespan { get; set; }
    [JsonPropertyName("client_credentials_grant_access_token_lifespan")] public string? ClientCredentialsGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("implicit_grant_access_token_lifespan")] public string? ImplicitGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("implicit_grant_id_token_lifespan")] public string? ImplicitGrantIdTokenLifespan { get; set; }
    [JsonPropertyName("jwt_bearer_grant_access_token_lifespan")] public string? JwtBearerGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("refresh_token_grant_id_token_lifespan")] public string? RefreshTokenGrantIdTokenLifespan { get; set; }
    [JsonPropertyName("refresh_token_grant_access_token_lifespan")] public string? RefreshTokenGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("refresh_token_grant_refresh_token_lifespan")] public string? RefreshTokenGrantRefreshTokenLifespan { get; set; }
    [JsonPropertyName("device_authorization_grant_access_token_lifespan")] public string? DeviceAuthorizationGrantAccessTokenLifespan { get; set; }
    [JsonPropertyName("device_authorization_grant_id_token_lifespan")] public string? DeviceAuthorizationGrantIdTokenLifespan { get; set; }
    [JsonPropertyName("device_authorization_grant_refresh_token_lifespan")] public string? DeviceAuthorizationGrantRefreshTokenLifespan { get; set; }

    public void ApplyTo(ClientMetadata client)
    {
        client.AuthorizationCodeGrantAccessTokenLifespan = AuthorizationCodeGrantAccessTokenLifespan;
        client.AuthorizationCodeGrantIdTokenLifespan = AuthorizationCodeGrantIdTokenLifespan;
        client.AuthorizationCodeGrantRefreshTokenLifespan = AuthorizationCodeGrantRefreshTokenLifespan;
        client.ClientCredentialsGrantAccessTokenLifespan = ClientCredentialsGrantAccessTokenLifespan;
        client.ImplicitGrantAccessTokenLifespan = ImplicitGrantAccessTokenLifespan;
        client.ImplicitGrantIdTokenLifespan = ImplicitGrantIdTokenLifespan;
        client.JwtBearerGrantAccessTokenLifespan = JwtBearerGrantAccessTokenLifespan;
        client.RefreshTokenGrantIdTokenLifespan = RefreshTokenGrantIdTokenLifespan;
        client.RefreshTokenGrantAccessTokenLifespan = RefreshTokenGrantAccessTokenLifespan;
        client.RefreshTokenGrantRefreshTokenLifespan = RefreshTokenGrantRefreshTokenLifespan;
        client.DeviceAuthorizationGrantAccessTokenLifespan = DeviceAuthorizationGrantAccessTokenLifespan;
        client.DeviceAuthorizationGrantIdTokenLifespan = DeviceAuthorizationGrantIdTokenLifespan;
        client.DeviceAuthorizationGrantRefreshTokenLifespan = DeviceAuthorizationGrantRefreshTokenLifespan;
    }
}
