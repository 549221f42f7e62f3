using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Prices;
using Glint.Api.Types;
using Glint.Wallets.Accounts;
using Glint.Wallets.Queries;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>The mutations that change the caller's settings; a refused change comes back in the payload's <c>errors</c>, worded as Blink's.</summary>
public static class SettingsMutations
{
    public static readonly ApiError UsernameImmutable = new("USERNAME_ERROR", "username is immutable");
    public static readonly ApiError UsernameNotAvailable = new("USERNAME_ERROR", "username not available");
    public static readonly ApiError InvalidWallet = new("INVALID_INPUT", "Invalid walletId for account.");
    public static readonly ApiError InvalidCurrency = new("INVALID_INPUT", "Invalid currency.");

    public static async Task<UserUpdateUsernamePayloadType.Source> UsernameAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (account, refusal) = await context.Service<AccountSettings>()
            .SetUsernameAsync(context.Account().Id, context.GetArgument<string>("input"), context.CancellationToken);
        if (refusal is { } refused)
        {
            return new([Error(refused)], null);
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
        var (account, refusal) = await context.Service<AccountSettings>()
            .SetDefaultWalletAsync(context.Account().Id, context.GetArgument<Guid>("input"), context.CancellationToken);
        context.Caller().Account = account ?? context.Account();
        return new(refusal is { } refused ? [Error(refused)] : [], account);
    }

    public static async Task<AccountUpdateDisplayCurrencyPayloadType.Source> DisplayCurrencyAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var currency = context.GetArgument<string>("input");
        if (CurrencyInfo.Find(currency) is null)
        {
            context.Caller().Account = context.Account();
            return new([InvalidCurrency], null);
        }

        var account = await context.Service<AccountSettings>().SetDisplayCurrencyAsync(context.Account().Id, currency, context.CancellationToken);
        context.Caller().Account = account;
        return new([], account);
    }

    private static ApiError Error(AccountSettingRefusal refusal) => refusal switch
    {
        AccountSettingRefusal.UsernameAlreadySet => UsernameImmutable,
        AccountSettingRefusal.UsernameTaken => UsernameNotAvailable,
        AccountSettingRefusal.NotTheAccountsWallet => InvalidWallet,
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "Not a refusal of an account setting."),
    };
}
