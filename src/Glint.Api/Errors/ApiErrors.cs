using GraphQL;

namespace Glint.Api.Errors;

/// <summary>
/// The top-level errors the API raises, with Blink's messages and codes (its <c>core/api/src/graphql/error.ts</c> and
/// <c>error-map.ts</c>), so clients written against Blink recognise them.
/// </summary>
public static class ApiErrors
{
    public const string ReadDeniedMessage = "Not authorized: this needs the read scope (AuthorizationError: not authorized to read data)";

    public const string WriteDeniedMessage = "Not authorized: this needs the write scope (AuthorizationError: not authorized to execute mutations)";

    public const string ReceiveDeniedMessage =
        "Not authorized: this needs the receive or write scope (AuthorizationError: not authorized to execute mutations)";

    public static ExecutionError NotAuthorized() => Coded("Not authorized", "NOT_AUTHORIZED");

    /// <summary>
    /// A missing scope. Blink reports its <c>AuthorizationError</c> as <c>UNEXPECTED_CLIENT_ERROR</c> with a generic
    /// message; Glint says <c>NOT_AUTHORIZED</c> and names the scope (a deliberate difference: Blink's clients count the
    /// errors, they do not read the code), keeping Blink's <c>AuthorizationError</c> wording for anyone matching it.
    /// </summary>
    public static ExecutionError ReadDenied() => Coded(ReadDeniedMessage, "NOT_AUTHORIZED");

    public static ExecutionError WriteDenied() => Coded(WriteDeniedMessage, "NOT_AUTHORIZED");

    public static ExecutionError ReceiveDenied() => Coded(ReceiveDeniedMessage, "NOT_AUTHORIZED");

    public const string FirstPartyOnlyMessage =
        "Not authorized: this needs a session token from Glint's sign-in; OAuth2 tokens and API keys may not manage sign-in or delete the account (AuthorizationError: not authorized to execute mutations)";

    /// <summary>A first-party operation (<see cref="Access.AccessRules.FirstPartyOnly"/>) called with an OAuth2 token or an API key.</summary>
    public static ExecutionError FirstPartyOnly() => Coded(FirstPartyOnlyMessage, "NOT_AUTHORIZED");

    public static ExecutionError InvalidInput(string message) => Coded(message, "INVALID_INPUT");

    public static ExecutionError NotFound(string message) => Coded(message, "NOT_FOUND");

    private static ExecutionError Coded(string message, string code) => new(message) { Code = code };
}
