using Glint.Auth.Clients;

namespace Glint.Auth.OAuth2;

/// <summary>
/// What a client may ever hold: the scopes its registered <c>scope</c> allows (wildcard strategy) and the audiences it
/// registered. Checked when a request asks, when a consent grants, and again whenever a token is issued from an
/// earlier grant, because the client may have been narrowed since.
/// </summary>
public static class ClientGrant
{
    public static string? FirstDisallowedScope(ClientMetadata client, IEnumerable<string> scopes)
    {
        var allowed = ScopeStrategy.Split(client.Scope);
        return scopes.FirstOrDefault(scope => !ScopeStrategy.Allows(allowed, scope));
    }

    public static string? FirstDisallowedAudience(ClientMetadata client, IEnumerable<string> audiences) =>
        audiences.FirstOrDefault(audience => client.Audience?.Contains(audience, StringComparer.Ordinal) is not true);

    /// <summary>Hydra's <c>invalid_scope</c> description.</summary>
    public static string ScopeRefusal(string scope) =>
        $"The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client is not allowed to request scope '{scope}'.";

    /// <summary>Hydra's <c>invalid_request</c> description for an audience the client did not register.</summary>
    public static string AudienceRefusal(string audience) =>
        $"The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. Requested audience '{audience}' has not been whitelisted by the OAuth 2.0 Client.";
}
