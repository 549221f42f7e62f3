using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Data.OAuth;
using OpenIddict.Abstractions;

namespace Glint.Auth.Clients;

/// <summary>A client's metadata moved to and from its stored row (<see cref="Client"/>).</summary>
public sealed partial class ClientMetadata
{
    // Hydra's alphabet for generated secrets (x/secret.go): URL-safe, no padding characters to escape.
    private const string SecretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~";

    private static readonly string[] NotInDocument = ["client_id", "client_secret", "created_at", "updated_at"];

    public static string GenerateSecret() => RandomNumberGenerator.GetString(SecretAlphabet, 26);

    /// <summary>The metadata of a stored client, as the admin API shows it (never its secret).</summary>
    public static ClientMetadata Read(Client row)
    {
        ArgumentNullException.ThrowIfNull(row);
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

    /// <summary>Writes this validated metadata into <paramref name="row"/>; the secret is left to OpenIddict's manager, which hashes it.</summary>
    public void WriteTo(Client row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var document = JsonSerializer.SerializeToNode(this, HydraJson.Options)!.AsObject();
        foreach (var name in NotInDocument)
        {
            document.Remove(name);
        }

        row.ClientId = ClientId;
        row.Document = document.ToJsonString(HydraJson.Options);
        row.DisplayName = ClientName;
        row.Owner = Owner ?? "";
        row.ClientType = IsPublic ? OpenIddictConstants.ClientTypes.Public : OpenIddictConstants.ClientTypes.Confidential;
        row.ApplicationType = OpenIddictConstants.ApplicationTypes.Web;
        row.ConsentType = OpenIddictConstants.ConsentTypes.Explicit;
        row.RedirectUris = JsonSerializer.Serialize(RedirectUris ?? []);
        row.PostLogoutRedirectUris = JsonSerializer.Serialize(PostLogoutRedirectUris ?? []);
        row.JsonWebKeySet = Jwks is { ValueKind: JsonValueKind.Object } jwks && jwks.TryGetProperty("keys", out _)
            ? jwks.GetRawText()
            : null;
        row.CreatedAt = CreatedAt ?? row.CreatedAt;
        row.UpdatedAt = UpdatedAt ?? row.UpdatedAt;
    }

    /// <summary>The metadata as JSON, for JSON Patch and the challenge documents: the stored form, so a patch sees what GET shows.</summary>
    public JsonNode ToNode() => JsonSerializer.SerializeToNode(this, HydraJson.Options)!;
}
