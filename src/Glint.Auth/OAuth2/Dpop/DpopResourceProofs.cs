using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;

namespace Glint.Auth.OAuth2.Dpop;

/// <summary>
/// DPoP at resource endpoints (RFC 9449 §7): a token bound to a key (<c>cnf.jkt</c>) is accepted only as
/// <c>Authorization: DPoP</c> (or, on the API, <c>Oauth2-Token</c>) with a proof by that key, for this request and
/// this token (<c>ath</c>). A proof's <c>jti</c> works once on this node within the proof's window: resource requests
/// are the hot path, so replay is held per node, with no database write.
/// </summary>
public sealed class DpopResourceProofs(DpopProofs proofs) : IDisposable
{
    private const int MaxRemembered = 100_000;

    private readonly MemoryCache _seen = new(new MemoryCacheOptions { SizeLimit = MaxRemembered });

    /// <summary>The token of an <c>Authorization: DPoP &lt;token&gt;</c> header, or null for any other header.</summary>
    public static string? DpopToken(string? authorization) =>
        authorization is { Length: > 5 } && authorization.StartsWith(DpopProofs.Scheme + " ", StringComparison.OrdinalIgnoreCase)
            ? authorization[(DpopProofs.Scheme.Length + 1)..].Trim() is { Length: > 0 } token ? token : null
            : null;

    public bool NoncesRequired => proofs.NoncesRequired;

    public string CurrentNonce() => proofs.CurrentNonce();

    /// <summary>
    /// Null when the request may use <paramref name="token"/>: sent as DPoP (<paramref name="sentAsDpop"/>) with a
    /// valid proof, by the bound key when it is bound to <paramref name="boundTo"/>; otherwise why not.
    /// </summary>
    public async Task<DpopRefusal?> CheckAsync(HttpRequest request, string token, string? boundTo, bool sentAsDpop)
    {
        if (!sentAsDpop)
        {
            return boundTo is null
                ? null
                : new DpopRefusal("invalid_token", "The access token is DPoP-bound: send it as 'Authorization: DPoP <token>' with a DPoP proof made with its key.");
        }

        var headers = request.Headers[DpopProofs.HeaderName];
        if (headers.Count != 1)
        {
            return new DpopRefusal(DpopProofs.InvalidProof,
                headers.Count == 0 ? "A DPoP access token needs a DPoP proof in the DPoP header." : "Send one DPoP header, not several.");
        }

        var (proof, refusal) = await proofs.ValidateAsync(headers.ToString(), request.Method, proofs.EndpointUrl(request.Path.Value ?? "/"), token);
        if (refusal is not null)
        {
            return refusal;
        }

        if (boundTo is not null && proof!.Thumbprint != boundTo)
        {
            return new DpopRefusal(DpopProofs.InvalidProof, "The DPoP proof was made with another key than the one the access token is bound to.");
        }

        var key = proof!.Thumbprint + "\0" + proof.Jti;
        var marker = new object();
        if (_seen.TryGetValue(key, out _) || !ReferenceEquals(_seen.GetOrCreate(key, entry =>
            {
                entry.Size = 1;
                // Past the proof's own window, however the client's clock differs from the node's.
                entry.AbsoluteExpirationRelativeToNow = DpopProofs.Window + DpopProofs.Skew + DpopProofs.Skew;
                return marker;
            }), marker))
        {
            return new DpopRefusal(DpopProofs.InvalidProof, "The DPoP proof has been used before: make a new proof, with a new jti, for every request.");
        }

        return null;
    }

    /// <summary>The <c>WWW-Authenticate</c> challenge for a refusal (RFC 9449 §7.1), with the next nonce when one is asked for.</summary>
    public void Challenge(HttpResponse response, DpopRefusal refusal)
    {
        response.Headers.WWWAuthenticate =
            $"{DpopProofs.Scheme} error=\"{refusal.Error}\", error_description=\"{refusal.Description.Replace("\"", "'", StringComparison.Ordinal)}\", algs=\"{string.Join(' ', DpopProofs.SigningAlgorithms)}\"";
        if (refusal.Error == DpopProofs.UseNonce || proofs.NoncesRequired)
        {
            response.Headers[DpopProofs.NonceHeaderName] = proofs.CurrentNonce();
        }
    }

    public void Dispose() => _seen.Dispose();
}
