using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// A <c>POST /userinfo</c> with the token in the <c>Authorization</c> header and no body at all is a complete
    /// request (RFC 6750 §2.1; OpenID Connect Core §5.3.1 allows POST), as Hydra answers it. OpenIddict refuses a POST
    /// without a form content type, so an empty body is read as an empty form; a body of any other type is still refused.
    /// </summary>
    public sealed class AcceptEmptyUserinfoPost : IOpenIddictServerHandler<OpenIddictServerEvents.ExtractUserInfoRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ExtractUserInfoRequestContext>()
                .UseSingletonHandler<AcceptEmptyUserinfoPost>()
                .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractGetOrPostRequest<OpenIddictServerEvents.ExtractUserInfoRequestContext>.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ExtractUserInfoRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.Transaction.GetHttpRequest() is { } request &&
                HttpMethods.IsPost(request.Method) &&
                string.IsNullOrEmpty(request.ContentType) &&
                request.ContentLength is 0)
            {
                request.ContentType = "application/x-www-form-urlencoded";
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// <c>/userinfo</c> refusals as RFC 6750 §3 and Hydra give them: the <c>Bearer</c> challenge OpenIddict writes (bare
    /// when no token was sent, with <c>error="invalid_token"</c> when one was) and, where OpenIddict leaves the body
    /// empty, the same error as JSON.
    /// </summary>
    public sealed class WriteUserinfoErrorBody : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyUserInfoResponseContext>
    {
        private const string NoTokenDescription =
            "The request could not be authorized. Send an access token in the Authorization header (Bearer) or the access_token form field.";

        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyUserInfoResponseContext>()
                .UseSingletonHandler<WriteUserinfoErrorBody>()
                .SetOrder(OpenIddictServerAspNetCoreHandlers.AttachWwwAuthenticateHeader<OpenIddictServerEvents.ApplyUserInfoResponseContext>.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(OpenIddictServerEvents.ApplyUserInfoResponseContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.Transaction.Response is not { Error: { Length: > 0 } error } response ||
                context.Transaction.GetHttpRequest()?.HttpContext.Response is not { } http)
            {
                return;
            }

            var noToken = error == Errors.MissingToken;
            var body = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["error"] = noToken ? "request_unauthorized" : error,
                ["error_description"] = noToken ? NoTokenDescription : response.ErrorDescription ?? "The access token is not active.",
            };
            http.ContentType = "application/json;charset=UTF-8";
            await JsonSerializer.SerializeAsync(http.Body, body, cancellationToken: context.CancellationToken);
            context.HandleRequest();
        }
    }
}
