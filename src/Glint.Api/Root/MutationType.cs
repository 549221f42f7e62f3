using Glint.Api.Access;
using Glint.Api.ApiKeys;
using Glint.Api.Types;
using Glint.Api.Validation;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace Glint.Api.Root;

/// <summary>
/// The mutations. Every one needs the write scope and an active account, and costs <see cref="QueryComplexityRule.MutationCost"/>
/// (so a request carries one), as in Blink.
/// </summary>
public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";
        Mutation<PaymentSendPayloadType, IntraLedgerPaymentSendInputType>("intraLedgerPaymentSend",
            "Pays another wallet of this server from a BTC wallet, in sats. Returns the payment's status.")
            .ResolveAsync(async context => await PaymentMutations.SendAsync(context, Ledger.Currency.Btc)).Requires(ScopeRule.Write);
        Mutation<PaymentSendPayloadType, IntraLedgerUsdPaymentSendInputType>("intraLedgerUsdPaymentSend",
            "Pays another wallet of this server from a USD wallet, in cents. Returns the payment's status.")
            .ResolveAsync(async context => await PaymentMutations.SendAsync(context, Ledger.Currency.Usd)).Requires(ScopeRule.Write);
        Mutation<UserUpdateUsernamePayloadType, UserUpdateUsernameInputType>("userUpdateUsername", "Sets the username, once.")
            .DeprecationReason("Kept for Blink's apps: a username is set once and never updated.")
            .ResolveAsync(async context => await SettingsMutations.UsernameAsync(context)).Requires(ScopeRule.Write);
        Mutation<UserUpdateLanguagePayloadType, UserUpdateLanguageInputType>("userUpdateLanguage", null)
            .ResolveAsync(async context => await SettingsMutations.LanguageAsync(context)).Requires(ScopeRule.Write);
        Mutation<AccountUpdateDefaultWalletIdPayloadType, AccountUpdateDefaultWalletIdInputType>("accountUpdateDefaultWalletId", null)
            .ResolveAsync(async context => await SettingsMutations.DefaultWalletAsync(context)).Requires(ScopeRule.Write);
        Mutation<ApiKeyCreatePayloadType, ApiKeyCreateInputType>("apiKeyCreate",
            "Creates an API key with the given scopes (default READ and WRITE); its secret is returned only here.")
            .ResolveAsync(async context => await ApiKeyMutations.CreateAsync(context)).Requires(ScopeRule.Write);
        Mutation<ApiKeyRevokePayloadType, ApiKeyRevokeInputType>("apiKeyRevoke", "Revokes one of the caller's API keys; it stops working at once.")
            .ResolveAsync(async context => await ApiKeyMutations.RevokeAsync(context)).Requires(ScopeRule.Write);
        Field<NonNullGraphType<SuccessPayloadType>>("userLogout").Argument<UserLogoutInputType>("input")
            .Description("Ends the session whose token made the call; other credentials are revoked where they were issued.")
            .WithMetadata(QueryComplexityRule.CostKey, QueryComplexityRule.MutationCost)
            .ResolveAsync(async context => await SessionMutations.LogoutAsync(context)).Requires(ScopeRule.Write);
        Mutation<AccountUpdateDisplayCurrencyPayloadType, AccountUpdateDisplayCurrencyInputType>("accountUpdateDisplayCurrency", null)
            .ResolveAsync(async context => await SettingsMutations.DisplayCurrencyAsync(context)).Requires(ScopeRule.Write);
    }

    private FieldBuilder<object?, object> Mutation<TPayload, TInput>(string name, string? description)
        where TPayload : IGraphType
        where TInput : IGraphType
    {
        var field = Field<NonNullGraphType<TPayload>>(name).Description(description).Argument<NonNullGraphType<TInput>>("input");
        field.FieldType.WithMetadata(QueryComplexityRule.CostKey, QueryComplexityRule.MutationCost);
        return field;
    }
}
