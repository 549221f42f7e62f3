using Glint.Api.LightningAddresses;

namespace Glint.Server.Requests;

/// <summary>The protocols Glint speaks over HTTP; a refused request is answered in the one its path speaks.</summary>
public enum RequestSurface
{
    /// <summary>OAuth 2.0 and OpenID Connect endpoints: RFC 6749 error JSON.</summary>
    OAuth,

    /// <summary>Hydra's admin API: Hydra's admin error JSON.</summary>
    Admin,

    /// <summary>Blink's REST login for first-party apps (<c>/auth/...</c>): <c>{"error": "..."}</c>.</summary>
    SessionLogin,

    /// <summary>GraphQL, which sets its own body limit and writes its own errors.</summary>
    GraphQL,

    /// <summary>The Lightning address endpoints (LUD-06, LUD-16): LNURL's <c>{"status":"ERROR","reason":...}</c>.</summary>
    Lnurl,

    /// <summary>The login, consent and account pages, and anything else a browser reaches: a plain page.</summary>
    Page,
}

public static class RequestSurfaces
{
    /// <summary>The introspection endpoint lives on the admin port but speaks OAuth (RFC 7662).</summary>
    private static readonly PathString Introspection = new("/admin/oauth2/introspect");

    private static readonly PathString[] OAuthPrefixes =
        [new("/oauth2"), new("/userinfo"), new("/.well-known"), Introspection];

    /// <summary>Which protocol <paramref name="path"/> speaks; admin-port paths are already under <c>/admin</c> (see PortSurfaces).</summary>
    public static RequestSurface Of(PathString path)
    {
        if (path.StartsWithSegments("/graphql", StringComparison.OrdinalIgnoreCase))
        {
            return RequestSurface.GraphQL;
        }

        // Before the OAuth prefixes: LUD-16's pay requests are under /.well-known too.
        if (LightningAddressApi.Serves(path))
        {
            return RequestSurface.Lnurl;
        }

        foreach (var prefix in OAuthPrefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return RequestSurface.OAuth;
            }
        }

        return path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase) ? RequestSurface.Admin
            : path.StartsWithSegments("/auth", StringComparison.OrdinalIgnoreCase) ? RequestSurface.SessionLogin
            : RequestSurface.Page;
    }
}
