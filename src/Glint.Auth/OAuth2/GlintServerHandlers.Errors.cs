using OpenIddict.Server;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// OpenIddict points every error at its own documentation through <c>error_uri</c>; Glint's errors say what is
    /// wrong in <c>error_description</c> and link nowhere, as Hydra's do.
    /// </summary>
    public sealed class DropErrorUri<TContext> : IOpenIddictServerHandler<TContext> where TContext : OpenIddictServerEvents.BaseRequestContext
    {
        public ValueTask HandleAsync(TContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.Transaction.Response is { } response)
            {
                response.ErrorUri = null;
            }

            return ValueTask.CompletedTask;
        }
    }

    private static OpenIddictServerHandlerDescriptor DropErrorUriFrom<TContext>() where TContext : OpenIddictServerEvents.BaseRequestContext =>
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<DropErrorUri<TContext>>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();
}
