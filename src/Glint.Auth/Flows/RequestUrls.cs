using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

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
}
