using Glint.Api.Validation;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;

namespace Glint.Api.Http;

/// <summary>
/// The <c>code</c> of each top-level error. Blink's server (Apollo) puts a code on every error and its
/// <c>formatError</c> flattens it out of <c>extensions</c>; the request errors here use Apollo's codes.
/// </summary>
public static class ErrorCodes
{
    public const string BadRequest = "BAD_REQUEST";
    public const string ParseFailed = "GRAPHQL_PARSE_FAILED";
    public const string ValidationFailed = "GRAPHQL_VALIDATION_FAILED";
    public const string BadUserInput = "BAD_USER_INPUT";
    public const string OperationResolutionFailure = "OPERATION_RESOLUTION_FAILURE";
    public const string InternalServerError = "INTERNAL_SERVER_ERROR";

    public static string Of(ExecutionError error) => error switch
    {
        QueryComplexityError => ValidationFailed,
        InvalidVariableError => BadUserInput,
        ValidationError => ValidationFailed,
        SyntaxError => ParseFailed,
        DocumentError => OperationResolutionFailure,
        UnhandledError => InternalServerError,
        _ => error?.Code ?? InternalServerError,
    };

    /// <summary>Errors found before anything ran, which make the request a 400 (as Apollo answers them).</summary>
    public static bool IsRequestError(ExecutionError error) => error is DocumentError and not QueryComplexityError;
}
