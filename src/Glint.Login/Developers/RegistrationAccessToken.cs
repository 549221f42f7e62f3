using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.WebUtilities;

namespace Glint.Login.Developers;

/// <summary>
/// The bearer credential of RFC 7592's client configuration endpoint. Only its SHA-256 is kept, in the client row's
/// property bag, so it survives the admin API's replacing the client's document; a presented token is hashed and
/// compared in constant time. It is 256 random bits, so a plain hash is enough (nothing to guess from).
/// </summary>
public static class RegistrationAccessToken
{
    private const string Property = "glint_registration_token_sha256";

    /// <summary>A new token, stored (hashed) in <paramref name="row"/> in place of any previous one.</summary>
    public static string Issue(Client row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var properties = Properties(row);
        properties[Property] = Hash(token);
        row.Properties = properties.ToJsonString();
        return token;
    }

    /// <summary>Whether <paramref name="token"/> is the one last issued for <paramref name="row"/>.</summary>
    public static bool Matches(Client row, string? token)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (string.IsNullOrEmpty(token) || Properties(row)[Property]?.GetValue<string>() is not { } stored)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(Hash(token)));
    }

    /// <summary>The bearer token of an <c>Authorization</c> header, or null.</summary>
    public static string? FromHeader(string? authorization) =>
        authorization is { Length: > 7 } && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..].Trim()
            : null;

    private static string Hash(string token) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static JsonObject Properties(Client row)
    {
        try
        {
            return row.Properties is { Length: > 0 } json && JsonNode.Parse(json) is JsonObject properties ? properties : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
