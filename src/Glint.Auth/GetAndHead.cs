using Microsoft.AspNetCore.Http;

namespace Glint.Auth;

/// <summary>
/// Routes that answer <c>HEAD</c> as they answer <c>GET</c> (RFC 9110 §9.3.2): load balancers and uptime checkers probe
/// with <c>HEAD</c>, which minimal APIs' <c>MapGet</c> refuses with a 405. The same handler runs, so the status and
/// headers are GET's; Kestrel sends no body for a <c>HEAD</c>, whatever the handler writes.
/// <para>
/// The rule, per family: every <c>GET</c> that only reads is mapped with these methods (health, the metrics scrape,
/// the stylesheet, the admin API's reads, the Lightning address's pay request, RFC 7592's read, the logout fallback
/// page). A <c>GET</c> that changes state keeps refusing <c>HEAD</c>: the Lightning address callback (it issues an
/// invoice), and the OpenIddict endpoints whose <c>GET</c> runs an authorization, a device verification or a logout
/// (<c>/oauth2/auth</c>, <c>/oauth2/device/verify</c>, <c>/oauth2/sessions/logout</c>; <c>/userinfo</c> too, which
/// OpenIddict refuses for any other method). <c>GET /graphql</c> runs a query, not a document to probe, and is left
/// alone. The discovery documents and the JWKS, which OpenIddict serves without routing, answer <c>HEAD</c> in
/// <see cref="Discovery.DiscoveryDocumentCache"/>. The built-in pages (Razor Pages) answer it with their <c>OnGet</c>,
/// which for a <c>HEAD</c> never answers a login or consent challenge nor spends an app's one-time secret.
/// </para>
/// </summary>
public static class GetAndHead
{
    /// <summary>The methods to map such a route with: <c>MapMethods(pattern, GetAndHead.Methods, handler)</c>.</summary>
    public static IReadOnlyList<string> Methods { get; } = [HttpMethods.Get, HttpMethods.Head];
}
