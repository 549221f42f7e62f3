using Glint.Api.Access;
using Glint.Api.Accounts;
using Glint.Api.Types;
using Glint.Wallets.Queries;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>The mutations that change the caller's settings; a refused change comes back in the payload's <c>errors</c>.</summary>
public static class SettingsMutations
{
    public static async Task<UserUpdateUsernamePayloadType.Source> UsernameAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (account, error) = await context.Service<AccountSettings>()
            .SetUsernameAsync(context.Account().Id, context.GetArgument<string>("input"), context.CancellationToken);
        if (error is not null)
        {
            return new([error], null);
        }

        context.Caller().Account = account;
        return new([], await context.Service<WalletQueries>().FindUserAsync(account!.UserId, context.CancellationToken));
    }

    public static async Task<UserUpdateLanguagePayloadType.Source> LanguageAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = await context.Service<AccountSettings>()
            .SetLanguageAsync(context.Account().UserId, context.GetArgument<string>("input"), context.CancellationToken);
        return new([], user);
    }

    public static async Task<AccountUpdateDefaultWalletIdPayloadType.Source> DefaultWalletAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (account, error) = await context.Service<AccountSettings>()
            .SetDefaultWalletAsync(context.Account().Id, context.GetArgument<Guid>("input"), context.CancellationToken);
        context.Caller().Account = account ?? context.Account();
        return new(error is null ? [] : [error], account);
    }

    public static async Task<AccountUpdateDisplayCurrencyPayloadType.Source> DisplayCurrencyAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (account, error) = await context.Service<AccountSettings>()
            .SetDisplayCurrencyAsync(context.Account().Id, context.GetArgument<string>("input"), context.CancellationToken);
        context.Caller().Account = account ?? context.Account();
        return new(error is null ? [] : [error], account);
    }
}
