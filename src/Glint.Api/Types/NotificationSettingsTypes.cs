using Glint.Api.Accounts;
using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Data.Wallets;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class NotificationSettingsType : ObjectGraphType<PushSettings>
{
    public NotificationSettingsType()
    {
        Name = "NotificationSettings";
        Field<NonNullGraphType<NotificationChannelSettingsType>>("push").Resolve(context => context.Source);
    }
}

public sealed class NotificationChannelSettingsType : ObjectGraphType<PushSettings>
{
    public NotificationChannelSettingsType()
    {
        Name = "NotificationChannelSettings";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<NotificationCategoryType>>>>("disabledCategories").Resolve(context => context.Source.DisabledCategories);
        Field<NonNullGraphType<BooleanGraphType>>("enabled").Resolve(context => context.Source.Enabled);
    }
}

/// <summary>Blink's inputs that name a channel; PUSH is the only one, so they parse to nothing.</summary>
public abstract class NotificationChannelInputType : InputObjectGraphType
{
    protected NotificationChannelInputType(string name)
    {
        Name = name;
        Field<NonNullGraphType<NotificationChannelType>>("channel");
    }
}

public sealed class AccountEnableNotificationChannelInputType() : NotificationChannelInputType("AccountEnableNotificationChannelInput");

public sealed class AccountDisableNotificationChannelInputType() : NotificationChannelInputType("AccountDisableNotificationChannelInput");

/// <summary>Blink's inputs that name a category (and optionally the channel, PUSH); they parse to the category.</summary>
public abstract class NotificationCategoryInputType : InputObjectGraphType<string>
{
    protected NotificationCategoryInputType(string name)
    {
        Name = name;
        Field<NonNullGraphType<NotificationCategoryType>>("category");
        Field<NotificationChannelType>("channel");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (string)value["category"]!;
    }
}

public sealed class AccountEnableNotificationCategoryInputType() : NotificationCategoryInputType("AccountEnableNotificationCategoryInput");

public sealed class AccountDisableNotificationCategoryInputType() : NotificationCategoryInputType("AccountDisableNotificationCategoryInput");

public sealed class AccountUpdateNotificationSettingsPayloadType : ObjectGraphType<AccountUpdateNotificationSettingsPayloadType.Source>
{
    public AccountUpdateNotificationSettingsPayloadType()
    {
        Name = "AccountUpdateNotificationSettingsPayload";
        Field<ConsumerAccountType>("account").Resolve(context => context.Source.Account);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, WalletAccount? Account);
}
