using Glint.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Glint.Api.LightningAddresses;

/// <summary>
/// LUD-16's <c>GET /.well-known/lnurlp/{username}</c> (LUD-06's pay request, with LUD-12's <c>commentAllowed</c>) and
/// its callback <c>GET /lnurlp/{username}/callback?amount=&lt;msat&gt;&amp;comment=</c>, on the public port, for
/// anyone. A refusal is LUD-06's <c>{"status":"ERROR","reason":…}</c> with HTTP 200, as Blink's and LNbits' servers
/// answer, so that LNURL clients show the reason.
/// </summary>
public static class LightningAddressApi
{
    public const string WellKnownPath = "/.well-known/lnurlp";
    public const string CallbackPath = "/lnurlp";

    public static IEndpointRouteBuilder MapLightningAddresses(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapMethods(WellKnownPath + "/{username}", GetAndHead.Methods, PayRequestAsync);
        // Not HEAD: the callback issues an invoice (see GetAndHead).
        endpoints.MapGet(CallbackPath + "/{username}/callback", InvoiceAsync);
        return endpoints;
    }

    /// <summary>
    /// Whether <paramref name="path"/> is one of these endpoints: they count against the anonymous per-address rate
    /// limit, and a request refused or failed before they answer still gets LNURL's error.
    /// </summary>
    public static bool Serves(PathString path) => path.StartsWithSegments(WellKnownPath) || path.StartsWithSegments(CallbackPath);

    private static async Task<IResult> PayRequestAsync(string username, PayRequests requests, CancellationToken cancellationToken)
    {
        var (request, reason) = await requests.FindAsync(username, cancellationToken);
        return request is null
            ? Error(reason!)
            : Results.Json(new
            {
                tag = "payRequest",
                callback = request.Callback,
                minSendable = request.MinSendable,
                maxSendable = request.MaxSendable,
                metadata = request.Metadata,
                commentAllowed = request.CommentAllowed,
            });
    }

    private static async Task<IResult> InvoiceAsync(string username, HttpRequest http, PayRequests requests, CancellationToken cancellationToken)
    {
        var (paymentRequest, reason) = await requests.InvoiceAsync(username, http.Query["amount"], http.Query["comment"], cancellationToken);
        return paymentRequest is null ? Error(reason!) : Results.Json(new { pr = paymentRequest, routes = Array.Empty<object>() });
    }

    private static IResult Error(string reason) => Results.Json(new { status = "ERROR", reason });
}
