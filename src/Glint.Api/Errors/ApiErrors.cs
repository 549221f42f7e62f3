using GraphQL;

namespace Glint.Api.Errors;

/// <summary>
/// The top-level errors the API raises, with Blink's messages and codes (its <c>core/api/src/graphql/error.ts</c> and
/// <c>error-map.ts</c>), so clients written against Blink recognise them.
/// </summary>
public static class ApiErrors
{
    public const string ReadDeniedMessage =
        "Unexpected error occurred, please try again or contact support if it persists (code: AuthorizationError: not authorized to read data)";

    public const string WriteDeniedMessage =
        "Unexpected error occurred, please try again or contact support if it persists (code: AuthorizationError: not authorized to execute mutations)";

    public static ExecutionError NotAuthorized() => Coded("Not authorized", "NOT_AUTHORIZED");

    /// <summary>A missing scope: Blink reports its <c>AuthorizationError</c> as an unexpected client error.</summary>
    public static ExecutionError ReadDenied() => Coded(ReadDeniedMessage, "UNEXPECTED_CLIENT_ERROR");

    public static ExecutionError WriteDenied() => Coded(WriteDeniedMessage, "UNEXPECTED_CLIENT_ERROR");

    public static ExecutionError InvalidInput(string message) => Coded(message, "INVALID_INPUT");

    public static ExecutionError NotFound(string message) => Coded(message, "NOT_FOUND");

    private static ExecutionError Coded(string message, string code) => new(message) { Code = code };
}
