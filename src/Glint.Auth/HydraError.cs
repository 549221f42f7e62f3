using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth;

/// <summary>
/// The error body of Hydra's admin API: only <c>error</c> and <c>error_description</c>, the HTTP status carries the code.
/// The texts are Hydra's, because SDKs and scripts match on them.
/// </summary>
public sealed record HydraError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription)
{
    public const string InvalidClientMetadataDescription =
        "The value of one of the Client Metadata fields is invalid and the server has rejected this request. " +
        "Note that an Authorization Server MAY choose to substitute a valid value for any requested parameter of a Client's Metadata.";

    public const string InvalidRedirectUriDescription = "The value of one or more redirect_uris is invalid.";

    public static IResult NotFound() =>
        Result(StatusCodes.Status404NotFound, "Unable to locate the resource", "");

    public static IResult Conflict() =>
        Result(StatusCodes.Status409Conflict, "Unable to insert or update resource because a resource with that value exists already", "");

    public static IResult Malformed(string reason) =>
        Result(StatusCodes.Status400BadRequest, "The request was malformed or contained invalid parameters", reason);

    public static IResult InvalidClientMetadata(string hint) =>
        Result(StatusCodes.Status400BadRequest, "invalid_client_metadata", InvalidClientMetadataDescription + " " + hint);

    public static IResult InvalidRedirectUri(string hint) =>
        Result(StatusCodes.Status400BadRequest, "invalid_redirect_uri", InvalidRedirectUriDescription + " " + hint);

    public static IResult InvalidRequest(string description) =>
        Result(StatusCodes.Status400BadRequest, "invalid_request", description);

    public static IResult Result(int status, string error, string description) =>
        // Hydra swaps double quotes for single quotes in descriptions; clients that grep them expect that.
        Results.Json(new HydraError(error, description.Replace('"', '\'')), HydraJson.Options, "application/json; charset=utf-8", status);
}
