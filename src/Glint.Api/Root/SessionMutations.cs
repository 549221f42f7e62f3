using Glint.Api.Access;
using Glint.Api.Types;
using Glint.Auth.SessionTokens;
using GraphQL;

namespace Glint.Api.Root;

public static class SessionMutations
{
    /// <summary><c>userLogout</c>: the calling session token stops working at once, on every node.</summary>
    public static async Task<SuccessPayloadType.Source> LogoutAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Caller().SessionId is { } sessionId)
        {
            await context.Service<SessionTokenStore>().RevokeAsync(sessionId, context.CancellationToken);
        }

        return new([], true);
    }
}
