using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Types;
using Glint.Callbacks.Endpoints;
using GraphQL;

namespace Glint.Api.Root;

/// <summary><c>callbackEndpointAdd</c> and <c>callbackEndpointDelete</c>; a refusal comes back in the payload's <c>errors</c>, as in Blink.</summary>
public static class CallbackMutations
{
    public static async Task<CallbackEndpointAddPayloadType.Source> AddAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (endpoint, problem) = await context.Service<CallbackEndpointStore>()
            .AddAsync(context.Account().Id, context.GetArgument<string>("input"), context.CancellationToken);
        return endpoint is null
            ? new([new ApiError("INVALID_INPUT", problem!)], null)
            : new([], endpoint.Id.ToString("D"));
    }

    public static async Task<SuccessPayloadType.Source> DeleteAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.GetArgument<string>("input");
        // Another account's endpoint is refused exactly as one that does not exist, so ids cannot be probed.
        return Guid.TryParse(id, out var endpointId) &&
               await context.Service<CallbackEndpointStore>().DeleteAsync(context.Account().Id, endpointId, context.CancellationToken)
            ? new([], true)
            : new([new ApiError("NOT_FOUND", "id: the account has no callback endpoint with this id.")], false);
    }
}
