namespace Glint.Server.Requests;

/// <summary>
/// How large a request body each kind of endpoint accepts. Forms (the OAuth endpoints, the login pages, the REST
/// login) carry a few parameters; admin JSON carries one client document. GraphQL sets its own limit.
/// </summary>
public sealed record RequestLimits
{
    /// <summary>Kestrel's limit for any endpoint that sets none, lower than Kestrel's 30 MB default.</summary>
    public const long ServerBodyBytes = 1024 * 1024;

    /// <summary>Form bodies (<c>serve.request_limits.form_body</c>): a token request with a signed client assertion is a few KB.</summary>
    public long FormBodyBytes { get; init; } = 64 * 1024;

    /// <summary>Admin API bodies (<c>serve.request_limits.admin_body</c>): a client with its keys and metadata.</summary>
    public long AdminBodyBytes { get; init; } = 1024 * 1024;
}
