using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Auth.ApiKeys;
using Glint.Data.ApiKeys;
using GraphQL;

namespace Glint.Api.ApiKeys;

/// <summary><c>apiKeyCreate</c>, <c>apiKeyRevoke</c> and <c>me.apiKeys</c>, with Blink's errors (top-level, as its API-key service raises them).</summary>
public static class ApiKeyMutations
{
    /// <summary>Blink's limit on <c>expireInDays</c> (a 16-bit day count).</summary>
    private const int MaxExpireInDays = ushort.MaxValue;

    public static async Task<ApiKeyCreatePayloadType.Source> CreateAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<ApiKeyCreateInputType.Source>("input");
        var name = input.Name.Trim();
        if (name.Length is 0 or > ApiKeyStore.MaxNameLength)
        {
            throw ApiErrors.InvalidInput($"The name must be 1 to {ApiKeyStore.MaxNameLength} characters.");
        }

        if (input.Scopes.Count == 0)
        {
            throw ApiErrors.InvalidInput("scopes can not be empty");
        }

        if (input.ExpireInDays is < 1 or > MaxExpireInDays)
        {
            throw ApiErrors.InvalidInput($"expireInDays must be between 1 and {MaxExpireInDays}.");
        }

        // Stored in a fixed order, so readOnly and equality checks do not depend on how the client listed them.
        string[] order = [Caller.ReadScope, Caller.ReceiveScope, Caller.WriteScope];
        var scopes = order.Where(input.Scopes.Contains).ToList();
        var (key, secret) = await context.Service<ApiKeyStore>().CreateAsync(context.Account().UserId, name, scopes, input.ExpireInDays, context.RemoteAddress(), context.CancellationToken);
        return new(key, secret);
    }

    public static async Task<ApiKey> RevokeAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.GetArgument<string>("input");
        return Guid.TryParse(id, out var keyId) && await context.Service<ApiKeyStore>().RevokeAsync(context.Account().UserId, keyId, context.RemoteAddress(), context.CancellationToken) is { } key
            ? key
            : throw ApiErrors.NotFound("IdentityError - KeyNotFoundForRevoke");
    }

    public static async Task<IReadOnlyList<ApiKey>> ListAsync(IResolveFieldContext<Data.Users.User> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Service<ApiKeyStore>().ListAsync(context.Source.Id, context.CancellationToken);
    }
}
