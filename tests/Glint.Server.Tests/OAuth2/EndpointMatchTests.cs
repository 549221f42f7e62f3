using Glint.Auth;
using Glint.Auth.OAuth2;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// Glint matches requests to OpenIddict's endpoints in place of OpenIddict's own handler: for every endpoint, base URI
/// and odd request URI, the answer must be OpenIddict's.
/// </summary>
public sealed class EndpointMatchTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private static readonly string[] Bases =
    [
        "http://127.0.0.1:4444", "http://127.0.0.1:4444/", "https://auth.example.com/hydra", "https://auth.example.com/hydra/",
        "https://Auth.Example.com:8443/a/b/", "http://[::1]:4444/",
    ];

    private static readonly string[] OddPaths =
    [
        "", "/", "/oauth2", "/oauth2/", "/oauth2/token/x", "/oauth2//token", "//oauth2/token", "/./oauth2/token",
        "/oauth2/../oauth2/token", "/oauth2/%74oken", "/oauth2/token%2F", "/oauth2/token%20", "/http:/evil.example/oauth2/token",
        "/a:b", "/graphql", "/health/ready", "/.well-known/", "/.well-known/openid-configuration/x", "/hydra/oauth2/token",
        "/a/b/oauth2/token", "/oauth2/token?x=/oauth2/revoke", "/oauth2/token#frag", "/oauth2/auth/requests/login",
        // Queries and fragments, which the request URI Glint builds leaves out, match as OpenIddict matches them.
        "/oauth2/token?", "/oauth2/token#", "/oauth2/token#a?b", "/oauth2/auth?a=b#c", "/oauth2/auth?x=%7E%zz#y?z", "/oauth2/%3Ftoken",
        "/oauth2/auth?login_verifier=" + new string('A', 3000),
    ];

    [Fact]
    public void OpenIddicts_own_matching_is_replaced_by_Glints()
    {
        var options = server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;

        Assert.Contains(options.Handlers, descriptor => descriptor.ServiceDescriptor.ServiceType == typeof(GlintServerHandlers.MatchEndpoint));
        Assert.DoesNotContain(options.Handlers, descriptor => descriptor.ServiceDescriptor.ServiceType == typeof(OpenIddictServerHandlers.InferEndpointType));
        Assert.DoesNotContain(options.Handlers, descriptor => descriptor.ServiceDescriptor.ServiceType == typeof(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreHandlers.ResolveRequestUri));
    }

    [Fact]
    public async Task Every_request_uri_is_matched_to_the_endpoint_OpenIddict_would_choose()
    {
        var settings = server.Services.GetRequiredService<AuthSettings>();
        var factory = server.Services.GetRequiredService<IOpenIddictServerFactory>();
        var transaction = await factory.CreateTransactionAsync();
        var options = transaction.Options;
        var endpointPaths = new[]
            {
                options.AuthorizationEndpointUris, options.ConfigurationEndpointUris, options.DeviceAuthorizationEndpointUris,
                options.EndSessionEndpointUris, options.EndUserVerificationEndpointUris, options.IntrospectionEndpointUris,
                options.JsonWebKeySetEndpointUris, options.PushedAuthorizationEndpointUris, options.RevocationEndpointUris,
                options.TokenEndpointUris, options.UserInfoEndpointUris,
            }
            .SelectMany(uris => uris)
            .Select(uri => uri.IsAbsoluteUri ? uri.AbsolutePath : "/" + uri.OriginalString.TrimStart('/'))
            .ToList();
        Assert.Contains(TokenApi.Path, endpointPaths);

        var paths = endpointPaths
            .SelectMany(path => new[] { path, path + "/", path + "//", path.ToUpperInvariant(), path.ToUpperInvariant() + "/", path + "?a=b", path[..^1], path + "x" })
            .Concat(OddPaths)
            .ToList();

        var openIddict = new OpenIddictServerHandlers.InferEndpointType();
        var glint = new GlintServerHandlers.MatchEndpoint();
        var matched = new HashSet<OpenIddictServerEndpointType>();
        var compared = 0;
        foreach (var baseText in Bases.Append(settings.IssuerIdentifier))
        {
            var baseUri = new Uri(baseText);
            var publicBase = new Uri(baseUri.AbsoluteUri.EndsWith('/') ? baseUri.AbsoluteUri : baseUri.AbsoluteUri + "/");
            var requests = new List<Uri>();
            foreach (var path in paths)
            {
                // As Glint places a request under the issuer, and as a host that does not would see it.
                Add(requests, () => new Uri(publicBase, path.TrimStart('/')));
                Add(requests, () => new Uri(new Uri(baseUri.GetLeftPart(UriPartial.Authority)), path));
                Add(requests, () => new Uri("https://other.example" + path));
                Add(requests, () => new Uri($"{baseUri.Scheme}://{baseUri.Host.ToUpperInvariant()}:{baseUri.Port + 1}{baseUri.AbsolutePath.TrimEnd('/')}{path}"));
                Add(requests, () => new Uri($"{(baseUri.Scheme == "http" ? "https" : "http")}://{baseUri.Authority}{baseUri.AbsolutePath.TrimEnd('/')}{path}"));
            }

            foreach (var contextBase in new[] { baseUri, publicBase })
            {
                foreach (var requestUri in requests)
                {
                    var expected = await MatchAsync(openIddict, factory, contextBase, requestUri);
                    var actual = await MatchAsync(glint, factory, contextBase, requestUri);
                    Assert.True(expected == actual, $"{requestUri} under {contextBase}: OpenIddict {expected}, Glint {actual}");
                    matched.Add(actual);
                    compared++;
                }
            }
        }

        Assert.True(compared > 1000, $"only {compared} request URIs compared");
        Assert.Contains(OpenIddictServerEndpointType.Token, matched);
        Assert.Contains(OpenIddictServerEndpointType.Unknown, matched);
        Assert.Contains(OpenIddictServerEndpointType.Configuration, matched);
    }

    [Fact]
    public async Task Relative_request_or_base_uris_leave_the_endpoint_alone_as_OpenIddict_does()
    {
        var factory = server.Services.GetRequiredService<IOpenIddictServerFactory>();
        var glint = new GlintServerHandlers.MatchEndpoint();
        var openIddict = new OpenIddictServerHandlers.InferEndpointType();
        foreach (var (baseUri, requestUri) in new (Uri?, Uri?)[]
                 {
                     (null, new Uri("http://127.0.0.1:4444/oauth2/token")), (new Uri("http://127.0.0.1:4444/"), null),
                     (new Uri("/", UriKind.Relative), new Uri("http://127.0.0.1:4444/oauth2/token")),
                     (new Uri("http://127.0.0.1:4444/"), new Uri("/oauth2/token", UriKind.Relative)),
                 })
        {
            Assert.Equal(await MatchAsync(openIddict, factory, baseUri, requestUri, OpenIddictServerEndpointType.Revocation),
                await MatchAsync(glint, factory, baseUri, requestUri, OpenIddictServerEndpointType.Revocation));
        }
    }

    private static void Add(List<Uri> requests, Func<Uri> build)
    {
        try
        {
            requests.Add(build());
        }
        catch (UriFormatException)
        {
            // Not a URI a request can have.
        }
    }

    private static async Task<OpenIddictServerEndpointType> MatchAsync(
        IOpenIddictServerHandler<ProcessRequestContext> handler, IOpenIddictServerFactory factory, Uri? baseUri, Uri? requestUri,
        OpenIddictServerEndpointType before = OpenIddictServerEndpointType.Unknown)
    {
        var context = new ProcessRequestContext(await factory.CreateTransactionAsync()) { BaseUri = baseUri, RequestUri = requestUri, EndpointType = before };
        await handler.HandleAsync(context);
        return context.EndpointType;
    }
}
