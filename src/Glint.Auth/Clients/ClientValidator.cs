using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth.Clients;

/// <summary>
/// Hydra's client validation, in Hydra's order, filling the defaults Hydra fills. Where Hydra stores values that
/// can never work (an unknown auth method, pairwise subjects Glint does not offer), Glint refuses them up front.
/// </summary>
public static class ClientValidator
{
    public const string DefaultScope = "offline_access offline openid";

    private static readonly string[] AuthMethods = ["client_secret_basic", "client_secret_post", "private_key_jwt", ClientMetadata.AuthMethodNone];

    /// <summary>Validates <paramref name="client"/> in place; returns the error to send, or null when the client is valid.</summary>
    public static IResult? Validate(ClientMetadata client)
    {
        if (client.Jwks is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            // Hydra fails to decode such a body; Glint must not quietly drop the keys either.
            return HydraError.Malformed("Unable to decode the request body: field jwks must be a JSON Web Key Set object.");
        }

        Normalize(client);
        if (ClientLimits.Check(client) is { } beyondLimits)
        {
            return beyondLimits;
        }

        client.TokenEndpointAuthMethod ??= "client_secret_basic";
        if (!AuthMethods.Contains(client.TokenEndpointAuthMethod))
        {
            return HydraError.InvalidClientMetadata(
                $"Field token_endpoint_auth_method must be one of {string.Join(", ", AuthMethods)}, not '{client.TokenEndpointAuthMethod}'.");
        }

        var hasJwks = client.Jwks is { ValueKind: JsonValueKind.Object } jwks && jwks.TryGetProperty("keys", out _);
        if (client.TokenEndpointAuthMethod == "private_key_jwt" && !hasJwks && client.JwksUri is null)
        {
            return HydraError.InvalidClientMetadata("When token_endpoint_auth_method is 'private_key_jwt', either jwks or jwks_uri must be set.");
        }

        if (hasJwks && client.JwksUri is not null)
        {
            return HydraError.InvalidClientMetadata("Fields jwks and jwks_uri can not both be set, you must choose one.");
        }

        if (hasJwks && !IsValidKeySet(client.Jwks!.Value))
        {
            return HydraError.InvalidClientMetadata("Invalid JSON web key in set.");
        }

        if (client.JwksUri is not null && !IsHttpUri(client.JwksUri))
        {
            return HydraError.InvalidClientMetadata("Field jwks_uri must be a valid URI with an http or https scheme.");
        }

        if (client.TokenEndpointAuthMethod == "private_key_jwt" && client.TokenEndpointAuthSigningAlg is { } algorithm &&
            !OAuth2.GlintServerHandlers.ClientAssertions.SigningAlgorithms.Contains(algorithm))
        {
            return HydraError.InvalidClientMetadata(
                $"Field token_endpoint_auth_signing_alg must be one of {string.Join(", ", OAuth2.GlintServerHandlers.ClientAssertions.SigningAlgorithms)} for private_key_jwt, not '{algorithm}'.");
        }

        foreach (var (name, value) in new[] { ("tos_uri", client.TosUri), ("policy_uri", client.PolicyUri), ("logo_uri", client.LogoUri), ("client_uri", client.ClientUri) })
        {
            if (!string.IsNullOrEmpty(value) && !IsHttpUri(value))
            {
                return HydraError.InvalidClientMetadata($"Field {name} must be a valid URI with an http or https scheme.");
            }
        }

        // Glint posts the logout token to the one and sends the browser to the other (OpenID logout specs: no fragment).
        foreach (var (name, value) in new[] { ("frontchannel_logout_uri", client.FrontchannelLogoutUri), ("backchannel_logout_uri", client.BackchannelLogoutUri) })
        {
            if (value is not null && (!IsHttpUri(value) || value.Contains('#', StringComparison.Ordinal)))
            {
                return HydraError.InvalidClientMetadata($"Field {name} must be an http or https URL without a fragment.");
            }
        }

        if (client.ClientSecret is { Length: < 6 })
        {
            return HydraError.InvalidClientMetadata("Field client_secret must contain a secret that is at least 6 characters long.");
        }

        if (client.ClientSecret is not null && client.IsPublic)
        {
            return HydraError.InvalidClientMetadata("Field client_secret must be empty when token_endpoint_auth_method is 'none'.");
        }

        if (string.IsNullOrWhiteSpace(client.Scope))
        {
            client.Scope = DefaultScope;
        }

        var origins = new List<string>();
        foreach (var origin in client.AllowedCorsOrigins ?? [])
        {
            // Uri reads a bare "/path" as a file path on Unix; an origin always starts with its scheme.
            if (origin.Length == 0 || origin != origin.Trim() || origin[0] == '/' || !Uri.TryCreate(origin, UriKind.Absolute, out var uri))
            {
                return HydraError.InvalidClientMetadata($"Origin URL {origin} from allowed_cors_origins could not be parsed.");
            }

            if (uri.Scheme is not ("http" or "https"))
            {
                return HydraError.InvalidClientMetadata($"Origin URL {origin} must use https:// or http:// as HTTP scheme.");
            }

            if (uri.UserInfo.Length > 0)
            {
                return HydraError.InvalidClientMetadata($"Origin URL {origin} has HTTP user and/or password set which is not allowed.");
            }

            if (uri.AbsolutePath.TrimEnd('/').Length + uri.Query.Length + uri.Fragment.Length > 0)
            {
                return HydraError.InvalidClientMetadata(
                    $"Origin URL {origin} must have an empty path, query, and fragment but one of the parts is not empty.");
            }

            // As Hydra stores it: the origin as written (explicit port and host case kept), scheme in lower case,
            // trailing slashes gone.
            origins.Add(uri.Scheme + origin[uri.Scheme.Length..].TrimEnd('/'));
        }

        client.AllowedCorsOrigins = origins;
        client.ClientSecretExpiresAt = 0;

        if (client.SectorIdentifierUri is not null)
        {
            return HydraError.InvalidClientMetadata("Field sector_identifier_uri is not supported: Glint issues public subject identifiers only.");
        }

        client.UserinfoSignedResponseAlg ??= "none";
        if (client.UserinfoSignedResponseAlg is not ("none" or "RS256"))
        {
            return HydraError.InvalidClientMetadata("Field userinfo_signed_response_alg can either be 'none' or 'RS256'.");
        }

        foreach (var redirectUri in client.RedirectUris ?? [])
        {
            if (redirectUri.Contains('#', StringComparison.Ordinal))
            {
                return HydraError.InvalidRedirectUri("Redirect URIs must not contain fragments (#).");
            }

            if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var parsed))
            {
                return HydraError.InvalidRedirectUri($"Unable to parse redirect URL: {redirectUri}");
            }

            // Hydra accepts an absolute path ("/cb"); OpenIddict needs absolute URIs, and Uri would read "/cb" as a
            // file path on Unix. Glint refuses it here, with Hydra's error, rather than with OpenIddict's.
            if (parsed.IsFile && !redirectUri.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                return HydraError.InvalidRedirectUri($"Redirect URL {redirectUri} must be an absolute URI with a scheme.");
            }
        }

        client.SubjectType ??= "public";
        if (client.SubjectType != "public")
        {
            return HydraError.InvalidClientMetadata($"Subject type {client.SubjectType} is not supported by server, only [public] are allowed.");
        }

        foreach (var postLogout in client.PostLogoutRedirectUris ?? [])
        {
            if (!Uri.TryCreate(postLogout, UriKind.Absolute, out var uri) || (uri.IsFile && !postLogout.StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
            {
                return HydraError.InvalidClientMetadata($"Unable to parse post_logout_redirect_uri: {postLogout}");
            }

            var matches = (client.RedirectUris ?? []).Any(r => Uri.TryCreate(r, UriKind.Absolute, out var redirect) &&
                redirect.Scheme == uri.Scheme && redirect.Host == uri.Host && redirect.Port == uri.Port);
            if (!matches)
            {
                return HydraError.InvalidClientMetadata(
                    $"post_logout_redirect_uri '{postLogout}' must match the domain, port, scheme of at least one of the registered redirect URIs but did not");
            }
        }

        if (client.AccessTokenStrategy is not null)
        {
            client.AccessTokenStrategy = client.AccessTokenStrategy.ToLowerInvariant();
            if (client.AccessTokenStrategy is not ("jwt" or "opaque"))
            {
                return HydraError.InvalidClientMetadata("Field access_token_strategy must be 'jwt' or 'opaque'.");
            }
        }

        return NormalizeLifespans(client);
    }

    /// <summary>Empty strings mean "not set", as the hydra CLI sends every field.</summary>
    private static void Normalize(ClientMetadata client)
    {
        client.ClientId = NullIfEmpty(client.ClientId);
        client.ClientSecret = NullIfEmpty(client.ClientSecret);
        client.AccessTokenStrategy = NullIfEmpty(client.AccessTokenStrategy);
        client.TokenEndpointAuthMethod = NullIfEmpty(client.TokenEndpointAuthMethod);
        client.TokenEndpointAuthSigningAlg = NullIfEmpty(client.TokenEndpointAuthSigningAlg);
        client.SubjectType = NullIfEmpty(client.SubjectType);
        client.UserinfoSignedResponseAlg = NullIfEmpty(client.UserinfoSignedResponseAlg);
        client.RequestObjectSigningAlg = NullIfEmpty(client.RequestObjectSigningAlg);
        client.JwksUri = NullIfEmpty(client.JwksUri);
        client.SectorIdentifierUri = NullIfEmpty(client.SectorIdentifierUri);
        client.FrontchannelLogoutUri = NullIfEmpty(client.FrontchannelLogoutUri);
        client.BackchannelLogoutUri = NullIfEmpty(client.BackchannelLogoutUri);
        // Hydra leaves these out of its JSON when empty (omitempty); the other lists are always written.
        client.RequestUris = client.RequestUris is { Count: > 0 } ? client.RequestUris : null;
        client.PostLogoutRedirectUris = client.PostLogoutRedirectUris is { Count: > 0 } ? client.PostLogoutRedirectUris : null;
        client.ClientName ??= "";
        client.Owner ??= "";
        client.PolicyUri ??= "";
        client.TosUri ??= "";
        client.ClientUri ??= "";
        client.LogoUri ??= "";
        client.Scope = client.Scope?.Trim();
        if (client.Metadata is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            client.Metadata = EmptyObject;
        }

        if (client.Jwks is not { ValueKind: JsonValueKind.Object })
        {
            client.Jwks = EmptyObject;
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static IResult? NormalizeLifespans(ClientMetadata client)
    {
        IResult? error = null;
        string? Canonical(string? value, string name)
        {
            if (value is null || error is not null)
            {
                return value;
            }

            if (!GoDuration.TryParse(value, out var duration))
            {
                error = HydraError.Malformed($"Unable to decode the request body: field {name}: time: invalid duration '{value}'");
                return value;
            }

            if (ClientLimits.Lifespan(name, duration) is { } outOfRange)
            {
                error = HydraError.InvalidClientMetadata(outOfRange);
                return value;
            }

            return GoDuration.Format(duration);
        }

        client.AuthorizationCodeGrantAccessTokenLifespan = Canonical(client.AuthorizationCodeGrantAccessTokenLifespan, "authorization_code_grant_access_token_lifespan");
        client.AuthorizationCodeGrantIdTokenLifespan = Canonical(client.AuthorizationCodeGrantIdTokenLifespan, "authorization_code_grant_id_token_lifespan");
        client.AuthorizationCodeGrantRefreshTokenLifespan = Canonical(client.AuthorizationCodeGrantRefreshTokenLifespan, "authorization_code_grant_refresh_token_lifespan");
        client.ClientCredentialsGrantAccessTokenLifespan = Canonical(client.ClientCredentialsGrantAccessTokenLifespan, "client_credentials_grant_access_token_lifespan");
        client.ImplicitGrantAccessTokenLifespan = Canonical(client.ImplicitGrantAccessTokenLifespan, "implicit_grant_access_token_lifespan");
        client.ImplicitGrantIdTokenLifespan = Canonical(client.ImplicitGrantIdTokenLifespan, "implicit_grant_id_token_lifespan");
        client.JwtBearerGrantAccessTokenLifespan = Canonical(client.JwtBearerGrantAccessTokenLifespan, "jwt_bearer_grant_access_token_lifespan");
        client.RefreshTokenGrantIdTokenLifespan = Canonical(client.RefreshTokenGrantIdTokenLifespan, "refresh_token_grant_id_token_lifespan");
        client.RefreshTokenGrantAccessTokenLifespan = Canonical(client.RefreshTokenGrantAccessTokenLifespan, "refresh_token_grant_access_token_lifespan");
        client.RefreshTokenGrantRefreshTokenLifespan = Canonical(client.RefreshTokenGrantRefreshTokenLifespan, "refresh_token_grant_refresh_token_lifespan");
        client.DeviceAuthorizationGrantAccessTokenLifespan = Canonical(client.DeviceAuthorizationGrantAccessTokenLifespan, "device_authorization_grant_access_token_lifespan");
        client.DeviceAuthorizationGrantIdTokenLifespan = Canonical(client.DeviceAuthorizationGrantIdTokenLifespan, "device_authorization_grant_id_token_lifespan");
        client.DeviceAuthorizationGrantRefreshTokenLifespan = Canonical(client.DeviceAuthorizationGrantRefreshTokenLifespan, "device_authorization_grant_refresh_token_lifespan");
        return error;
    }

    /// <summary>
    /// Each key must be a usable public or private JWK, as Hydra checks (go-jose's <c>Valid</c>): a known <c>kty</c>
    /// with its required members. The set must also load as OpenIddict loads it when the client authenticates.
    /// </summary>
    private static bool IsValidKeySet(JsonElement jwks)
    {
        var keys = jwks.GetProperty("keys");
        if (keys.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (keys.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var key in keys.EnumerateArray())
        {
            if (key.ValueKind != JsonValueKind.Object || !HasString(key, "kty", out var kty))
            {
                return false;
            }

            string[] required = kty switch
            {
                "RSA" => ["n", "e"],
                "EC" => ["crv", "x", "y"],
                "OKP" => ["crv", "x"],
                "oct" => ["k"],
                _ => ["(unknown key type)"],
            };
            if (!required.All(member => HasString(key, member, out _)) || !HasUsableMaterial(key, kty))
            {
                return false;
            }
        }

        try
        {
            _ = Microsoft.IdentityModel.Tokens.JsonWebKeySet.Create(jwks.GetRawText());
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Octets each coordinate of a curve's point takes, by <c>crv</c>.</summary>
    private static readonly Dictionary<string, int> CoordinateSizes = new(StringComparer.Ordinal)
    {
        ["P-256"] = 32, ["P-384"] = 48, ["P-521"] = 66, ["Ed25519"] = 32, ["X25519"] = 32,
    };

    /// <summary>
    /// Whether the key's members decode as a key does: base64url octets for every number and point, a known curve with
    /// points of its size. Unchecked, a key like <c>{"kty":"RSA","n":"!!!","e":"AQAB"}</c> was stored and only failed,
    /// quietly, each time the client authenticated; Hydra refuses such a set when it is registered.
    /// </summary>
    private static bool HasUsableMaterial(JsonElement key, string kty)
    {
        foreach (var member in key.EnumerateObject())
        {
            // The members holding key material, public and private (RFC 7518, section 6).
            if (member.Name is "n" or "e" or "d" or "p" or "q" or "dp" or "dq" or "qi" or "x" or "y" or "k" &&
                (member.Value.ValueKind != JsonValueKind.String || Octets(member.Value.GetString()) is null))
            {
                return false;
            }
        }

        if (kty is not ("EC" or "OKP"))
        {
            return true;
        }

        var curve = key.GetProperty("crv").GetString()!;
        var known = kty == "EC" ? curve is "P-256" or "P-384" or "P-521" : curve is "Ed25519" or "X25519";
        if (!known)
        {
            return false;
        }

        var size = CoordinateSizes[curve];

        return Octets(key.GetProperty("x").GetString())?.Length == size && (kty == "OKP" || Octets(key.GetProperty("y").GetString())?.Length == size);
    }

    /// <summary>The octets of a base64url value without padding, or null when it is empty or not base64url.</summary>
    private static byte[]? Octets(string? value)
    {
        if (string.IsNullOrEmpty(value) || !System.Buffers.Text.Base64Url.IsValid(value))
        {
            return null;
        }

        try
        {
            var octets = System.Buffers.Text.Base64Url.DecodeFromChars(value);
            return octets.Length == 0 ? null : octets;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool HasString(JsonElement element, string name, out string value)
    {
        value = element.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.String ? member.GetString() ?? "" : "";
        return value.Length > 0;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsHttpUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
