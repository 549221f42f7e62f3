using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;

namespace Glint.Auth.Flows;

/// <summary>
/// The public URL of the request being handled, with its parameters (from the query, or the form of a POST): the
/// <c>request_url</c> that login, consent and logout apps see and that verifiers are appended to.
/// </summary>
public static class RequestUrls
{
    public static string Of(HttpContext http, AuthSettings settings, string path)
    {
        var endpoint = new Uri(settings.PublicBase, path.TrimStart('/')).AbsoluteUri;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            return endpoint + http.Request.QueryString.Value;
        }

        var query = http.Request.Form.SelectMany(pair => pair.Value.Select(value => new KeyValuePair<string, string?>(pair.Key, value)));
        return QueryHelpers.AddQueryString(endpoint, query);
    }

    /// <summary>
    /// The URL of an authorization request restored from a pushed request: its parameters spelled out, without the
    /// <c>request_uri</c>, which the first leg spent. The login and consent legs come back to this URL.
    /// </summary>
    public static string OfPushed(OpenIddictRequest request, AuthSettings settings, string path)
    {
        var endpoint = new Uri(settings.PublicBase, path.TrimStart('/')).AbsoluteUri;
        var query = new List<KeyValuePair<string, string?>>();
        foreach (var (name, value) in request.GetParameters())
        {
            if (name == OpenIddictConstants.Parameters.RequestUri)
            {
                continue;
            }

            // A parameter sent several times comes back as an array; each value is one pair again.
            query.AddRange(((StringValues?)value ?? StringValues.Empty).Select(single => new KeyValuePair<string, string?>(name, single)));
        }

        return QueryHelpers.AddQueryString(endpoint, query);
    }
}
