// The protocol engine alone: OpenIddict's token endpoint, as Glint runs it (ASP.NET Core host, the token endpoint's
// passthrough to a minimal API endpoint that signs the client in), issuing client_credentials access tokens and
// nothing else: degraded mode, no stores, nothing written, one client checked against a constant. What it issues per
// second on the machine is the most any server built on OpenIddict can issue there; Glint's token figures are read
// against it. Listens on 127.0.0.1:<first argument>; the second argument picks the access token's signature:
//   hs256  an HMAC-SHA256-signed JWT, the cheapest token OpenIddict issues (Glint signs its opaque tokens' payloads
//          this way, then stores them);
//   rs256  an RS256-signed JWT with a 2048-bit key on an RSA instance, as Glint's JWT access tokens.
// The client is "bench-engine" with the secret in ENGINE_CLIENT_SECRET.
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4710;
var signature = args.Length > 1 ? args[1] : "hs256";
const string ClientId = "bench-engine";
var secret = Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("ENGINE_CLIENT_SECRET")
    ?? throw new InvalidOperationException("ENGINE_CLIENT_SECRET is not set."));

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, port);
    kestrel.AddServerHeader = false;
});

builder.Services.AddOpenIddict().AddServer(options =>
{
    options.SetIssuer(new Uri($"http://127.0.0.1:{port}/"));
    options.SetTokenEndpointUris("/oauth2/token");
    options.AllowClientCredentialsFlow();
    options.RegisterScopes("read");
    options.EnableDegradedMode();
    options.DisableAccessTokenEncryption();
    options.AddEncryptionKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
    // OpenIddict wants an asymmetric signing key in any case (for what clients verify); with hs256 the access token
    // is signed with the symmetric key instead, which OpenIddict sorts first.
    options.AddSigningKey(new RsaSecurityKey(RSA.Create(2048)));
    if (signature == "hs256")
    {
        options.AddSigningKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
    }
    else if (signature != "rs256")
    {
        throw new ArgumentException("The signature is hs256 or rs256.", nameof(args));
    }

    options.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();

    // Degraded mode leaves client authentication to the host: one client, its secret compared in constant time.
    options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
    {
        if (!string.Equals(context.ClientId, ClientId, StringComparison.Ordinal) ||
            !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.ClientSecret ?? ""), secret))
        {
            context.Reject(Errors.InvalidClient, "The client credentials are invalid.");
        }

        return ValueTask.CompletedTask;
    }));
});

var app = builder.Build();
app.UseAuthentication();
app.MapPost("/oauth2/token", (HttpContext http) =>
{
    var request = http.GetOpenIddictServerRequest()!;
    var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
    identity.SetClaim(Claims.Subject, request.ClientId);
    identity.SetScopes(request.GetScopes());
    return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
});
await app.RunAsync();
