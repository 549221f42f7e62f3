using Glint.Api.Access;
using Glint.Api.Accounts;
using Glint.Api.Types;
using GraphQL;

namespace Glint.Api.Root;

/// <summary><c>accountDelete</c>, the notification settings and contact aliases; first-party sessions only.</summary>
public static class AccountMutations
{
    public static async Task<SuccessPayloadType.Source> DeleteAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var error = await context.Service<AccountClosure>().CloseAsync(context.Account().Id, context.CancellationToken);
        return error is null ? new([], true) : new([error], false);
    }

    public static async Task<AccountUpdateNotificationSettingsPayloadType.Source> ChannelAsync(IResolveFieldContext context, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(context);
        var account = await context.Service<NotificationSettings>().SetChannelAsync(context.Account().Id, enabled, context.CancellationToken);
        context.Caller().Account = account;
        return new([], account);
    }

    public static async Task<AccountUpdateNotificationSettingsPayloadType.Source> CategoryAsync(IResolveFieldContext context, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (account, error) = await context.Service<NotificationSettings>()
            .SetCategoryAsync(context.Account().Id, context.GetArgument<string>("input"), enabled, context.CancellationToken);
        context.Caller().Account = account ?? context.Account();
        return new(error is null ? [] : [error], account);
    }

    public static async Task<UserContactUpdateAliasPayloadType.Source> ContactAliasAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<UserContactUpdateAliasInputType.Input>("input");
        var (contact, error) = await context.Service<ContactAliases>()
            .SetAliasAsync(context.Account().Id, input.Username, input.Alias, context.CancellationToken);
        return new(error is null ? [] : [error], contact);
    }
}
