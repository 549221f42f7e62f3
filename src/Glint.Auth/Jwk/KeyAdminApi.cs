using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.Tokens;

namespace Glint.Auth.Jwk;

/// <summary>
/// Hydra's JSON Web Key admin API, <c>/admin/keys</c>, for reading the keys tokens are signed with. Glint signs ID
/// tokens and JWT access tokens with one key ring, so Hydra's two signing sets name the same keys. Only public members
/// are answered: the private keys are sealed at rest and never leave the node. Keys are added with
/// <c>glint keys rotate</c>, so the API's writes are refused rather than accepted into a set nothing would use.
/// </summary>
public static class KeyAdminApi
{
    public const string Path = "/admin/keys";

    /// <summary>Hydra's names for the sets its ID tokens and JWT access tokens are signed with.</summary>
    public static readonly IReadOnlySet<string> SigningSets = new HashSet<string>(StringComparer.Ordinal)
    {
        "hydra.openid.id-token",
        "hydra.jwt.access-token",
    };

    public static IEndpointRouteBuilder MapKeyAdminApi(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup(Path).DisableAntiforgery();
        keys.MapMethods("/{set}", GetAndHead.Methods, GetSet);
        keys.MapMethods("/{set}/{kid}", GetAndHead.Methods, GetKey);
        keys.MapMethods("/{set}", [HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete], RefuseWrite);
        keys.MapMethods("/{set}/{kid}", [HttpMethods.Put, HttpMethods.Delete], RefuseWrite);
        return routes;
    }

    private static IResult GetSet(string set, SigningKeyRing ring) =>
        SigningSets.Contains(set)
            ? Results.Json(new PublicKeySet(ring.Keys.Select(PublicKey.Of).ToList()), HydraJson.Options)
            : HydraError.NotFound();

    private static IResult GetKey(string set, string kid, SigningKeyRing ring) =>
        SigningSets.Contains(set) && ring.Keys.FirstOrDefault(key => key.KeyId == kid) is { } key
            // Hydra answers a single key as a set of one.
            ? Results.Json(new PublicKeySet([PublicKey.Of(key)]), HydraJson.Options)
            : HydraError.NotFound();

    private static IResult RefuseWrite() =>
        HydraError.Result(StatusCodes.Status403Forbidden, "The requested action was forbidden",
            "Glint's signing keys are created and rotated with 'glint keys rotate'; the admin API reads them only.");

    private sealed record PublicKeySet([property: JsonPropertyName("keys")] IReadOnlyList<PublicKey> Keys);

    private sealed record PublicKey(
        [property: JsonPropertyName("kty")] string KeyType,
        [property: JsonPropertyName("use")] string Use,
        [property: JsonPropertyName("alg")] string Algorithm,
        [property: JsonPropertyName("kid")] string KeyId,
        [property: JsonPropertyName("n")] string Modulus,
        [property: JsonPropertyName("e")] string Exponent)
    {
        public static PublicKey Of(RsaSecurityKey key)
        {
            var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
            return new(JsonWebAlgorithmsKeyTypes.RSA, JsonWebKeyUseNames.Sig, SigningKeyRing.Algorithm, key.KeyId,
                Base64UrlEncoder.Encode(parameters.Modulus), Base64UrlEncoder.Encode(parameters.Exponent));
        }
    }
}
