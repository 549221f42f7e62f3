using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Data.OAuth;
using OpenIddict.Abstractions;

namespace Glint.Auth.Clients;

/// <summary>Moves a client between its wire form and its stored row.</summary>
public static class ClientRecord
{
    // Hydra's alphabet for generated secrets (x/secret.go): URL-safe, no padding characters to escape.
    private const string SecretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~";

    private static readonly string[] NotInDocument = ["client_id", "client_secret", "created_at", "updated_at"];

    public static string GenerateSecret() => RandomNumberGenerator.GetString(SecretAlphabet, 26);

    public static ClientMetadata Read(Client row)
    {
        var client = JsonSerializer.Deserialize<ClientMetadata>(row.Document, HydraJson.Options) ?? new ClientMetadata();
        client.ClientId = row.ClientId;
        client.CreatedAt = row.CreatedAt;
        client.UpdatedAt = row.UpdatedAt;
        client.ClientSecret = null;
        client.RedirectUris ??= [];
        client.GrantTypes ??= [];
        client.ResponseTypes ??= [];
        client.Audience ??= [];
        client.Contacts ??= [];
        client.AllowedCorsOrigins ??= [];
        client.Suspended = row.SuspendedAt is not null;
        return client;
    }

    /// <summary>Writes a validated client into <paramref name="row"/>; the secret is left to OpenIddict's manager, which hashes it.</summary>
    public static void Write(ClientMetadata client, Client row)
    {
        var document = JsonSerializer.SerializeToNode(client, HydraJson.Options)!.AsObject();
        foreach (var name in NotInDocument)
        {
            document.Remove(name);
        }

        row.ClientId = client.ClientId;
        row.Document = document.ToJsonString(HydraJson.Options);
        row.DisplayName = client.ClientName;
        row.Owner = client.Owner ?? "";
        row.ClientType = client.IsPublic ? OpenIddictConstants.ClientTypes.Public : OpenIddictConstants.ClientTypes.Confidential;
        row.ApplicationType = OpenIddictConstants.ApplicationTypes.Web;
        row.ConsentType = OpenIddictConstants.ConsentTypes.Explicit;
        row.RedirectUris = JsonSerializer.Serialize(client.RedirectUris ?? []);
        row.PostLogoutRedirectUris = JsonSerializer.Serialize(client.PostLogoutRedirectUris ?? []);
        row.JsonWebKeySet = client.Jwks is { ValueKind: JsonValueKind.Object } jwks && jwks.TryGetProperty("keys", out _)
            ? jwks.GetRawText()
            : null;
        row.CreatedAt = client.CreatedAt ?? row.CreatedAt;
        row.UpdatedAt = client.UpdatedAt ?? row.UpdatedAt;
    }

    /// <summary>The client as JSON, for JSON Patch: the stored form, so a patch sees what GET shows.</summary>
    public static JsonNode ToNode(ClientMetadata client) => JsonSerializer.SerializeToNode(client, HydraJson.Options)!;
}
