using Glint.Api.Access;
using Glint.Api.ApiKeys;
using Glint.Api.Scalars;
using Glint.Api.Types;
using Glint.Api.Validation;
using Glint.Wallets.Invoices;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace Glint.Api.Root;

/// <summary>
/// The mutations, each costing <see cref="QueryComplexityRule.MutationCost"/> (so a request carries one), as in Blink.
/// Paying and settings need the write scope, creating and cancelling invoices the receive scope (which write also
/// grants), both with an active account; creating an invoice on a recipient's behalf needs no credentials at all.
/// </summary>
public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";
        IntraLedgerPaymentSend<SatAmountType>("intraLedgerPaymentSend", Ledger.Currency.Btc);
        IntraLedgerPaymentSend<CentAmountType>("intraLedgerUsdPaymentSend", Ledger.Currency.Usd);
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
        Mutation<CallbackEndpointAddPayloadType, CallbackEndpointAddInputType>("callbackEndpointAdd",
            "Adds a URL that is called, signed as Standard Webhooks, when money moves in or out of the account's wallets. At most 10 per account.")
            .ResolveAsync(async context => await CallbackMutations.AddAsync(context)).Requires(ScopeRule.Write);
        Mutation<SuccessPayloadType, CallbackEndpointDeleteInputType>("callbackEndpointDelete", "Deletes one of the account's callback endpoints.")
            .ResolveAsync(async context => await CallbackMutations.DeleteAsync(context)).Requires(ScopeRule.Write);
        AddPhone();
        AddLightning();
        AddFirstPartyAccount();
    }

    private void AddPhone()
    {
        Mutation<SuccessPayloadType, UserPhoneRegistrationInitiateInputType>("userPhoneRegistrationInitiate",
            "Sends a code by SMS to add the phone number to the account. First-party sessions only.")
            .ResolveAsync(async context => await PhoneMutations.RegistrationInitiateAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<UserPhoneRegistrationValidatePayloadType, UserPhoneRegistrationValidateInputType>("userPhoneRegistrationValidate",
            "Adds the phone number to the account with the code sent to it. First-party sessions only.")
            .ResolveAsync(async context => await PhoneMutations.RegistrationValidateAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<AuthTokenPayloadType, UserLoginInputType>("userLogin",
            "Signs in with a phone number and the code sent to it (POST /auth/phone/code); a new number opens an account. Returns a session token.")
            .ResolveAsync(async context => await PhoneMutations.LoginAsync(context)).Requires(ScopeRule.None);
        Mutation<UpgradePayloadType, UserLoginUpgradeInputType>("userLoginUpgrade",
            "Adds a phone number to the account with its code or, when the number already signs in another account and this one holds no funds, returns that account's session token.")
            .ResolveAsync(async context => await PhoneMutations.LoginUpgradeAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
    }

    private void AddLightning()
    {
        InvoiceCreate<LnInvoicePayloadType, LnInvoiceCreateInputType>("lnInvoiceCreate", InvoiceKind.Btc, onBehalfOfRecipient: false);
        InvoiceCreate<LnInvoicePayloadType, LnUsdInvoiceCreateInputType>("lnUsdInvoiceCreate", InvoiceKind.Usd, onBehalfOfRecipient: false);
        InvoiceCreate<LnNoAmountInvoicePayloadType, LnNoAmountInvoiceCreateInputType>("lnNoAmountInvoiceCreate", InvoiceKind.NoAmount, onBehalfOfRecipient: false);
        Mutation<SuccessPayloadType, LnInvoiceCancelInputType>("lnInvoiceCancel", "Cancel an unpaid lightning invoice for an associated wallet.")
            .ResolveAsync(async context => await InvoiceMutations.CancelAsync(context)).Requires(ScopeRule.Receive);

        InvoiceCreate<LnInvoicePayloadType, LnInvoiceCreateOnBehalfOfRecipientInputType>("lnInvoiceCreateOnBehalfOfRecipient", InvoiceKind.Btc, onBehalfOfRecipient: true);
        InvoiceCreate<LnInvoicePayloadType, LnUsdInvoiceCreateOnBehalfOfRecipientInputType>("lnUsdInvoiceCreateOnBehalfOfRecipient", InvoiceKind.Usd, onBehalfOfRecipient: true);
        InvoiceCreate<LnNoAmountInvoicePayloadType, LnNoAmountInvoiceCreateOnBehalfOfRecipientInputType>("lnNoAmountInvoiceCreateOnBehalfOfRecipient", InvoiceKind.NoAmount, onBehalfOfRecipient: true);
        InvoiceCreate<LnInvoicePayloadType, LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInputType>(
            "lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient", InvoiceKind.UsdInSats, onBehalfOfRecipient: true);

        Mutation<SatAmountPayloadType, LnInvoiceFeeProbeInputType>("lnInvoiceFeeProbe", "The routing fee to pay the invoice: zero for an invoice this server issued.")
            .ResolveAsync(async context => await InvoiceMutations.ProbeAsync(context, Ledger.Currency.Btc)).Requires(ScopeRule.Write);
        Mutation<SatAmountPayloadType, LnNoAmountInvoiceFeeProbeInputType>("lnNoAmountInvoiceFeeProbe", "The routing fee to pay the invoice without amount: zero for an invoice this server issued.")
            .ResolveAsync(async context => await InvoiceMutations.ProbeAsync(context, Ledger.Currency.Btc)).Requires(ScopeRule.Write);
        // Blink answers a USD wallet's fee in cents, in this SatAmountPayload too; apps written for Blink read it so.
        Mutation<SatAmountPayloadType, LnUsdInvoiceFeeProbeInputType>("lnUsdInvoiceFeeProbe",
                "The routing fee, in USD cents, to pay the invoice from a USD wallet: zero for an invoice this server issued.")
            .ResolveAsync(async context => await InvoiceMutations.ProbeAsync(context, Ledger.Currency.Usd)).Requires(ScopeRule.Write);
        Mutation<CentAmountPayloadType, LnNoAmountUsdInvoiceFeeProbeInputType>("lnNoAmountUsdInvoiceFeeProbe",
                "The routing fee, in USD cents, to pay the invoice without amount from a USD wallet: zero for an invoice this server issued.")
            .ResolveAsync(async context => await InvoiceMutations.ProbeAsync(context, Ledger.Currency.Usd)).Requires(ScopeRule.Write);
        Mutation<PaymentSendPayloadType, LnInvoicePaymentInputType>("lnInvoicePaymentSend",
                InvoicePaymentDescription("Provided wallet can be USD or BTC and must have sufficient balance to cover amount in lightning invoice."))
            .ResolveAsync(async context => await InvoiceMutations.PayAsync(context, amountCurrency: null)).Requires(ScopeRule.Write);
        Mutation<PaymentSendPayloadType, LnNoAmountInvoicePaymentInputType>("lnNoAmountInvoicePaymentSend",
                InvoicePaymentDescription("Provided wallet must be BTC and must have sufficient balance to cover amount specified in mutation request."))
            .ResolveAsync(async context => await InvoiceMutations.PayAsync(context, Ledger.Currency.Btc)).Requires(ScopeRule.Write);
        Mutation<PaymentSendPayloadType, LnNoAmountUsdInvoicePaymentInputType>("lnNoAmountUsdInvoicePaymentSend",
                InvoicePaymentDescription("Provided wallet must be USD and have sufficient balance to cover amount specified in mutation request."))
            .ResolveAsync(async context => await InvoiceMutations.PayAsync(context, Ledger.Currency.Usd)).Requires(ScopeRule.Write);
        Mutation<PaymentSendPayloadType, LnAddressPaymentSendInputType>("lnAddressPaymentSend", "Sends a payment to a lightning address.")
            .ResolveAsync(async context => await LnurlMutations.SendAsync(context, "lnAddress")).Requires(ScopeRule.Write);
        Mutation<PaymentSendPayloadType, LnurlPaymentSendInputType>("lnurlPaymentSend", "Sends a payment to a lightning address.")
            .ResolveAsync(async context => await LnurlMutations.SendAsync(context, "lnurl")).Requires(ScopeRule.Write);
    }

    /// <summary>What Blink's own apps do with a session: sign-in methods, TOTP, notification settings, account deletion.</summary>
    private void AddFirstPartyAccount()
    {
        Mutation<UserEmailRegistrationInitiatePayloadType, UserEmailRegistrationInitiateInputType>("userEmailRegistrationInitiate",
            "Sends a code to the email address; userEmailRegistrationValidate with it adds the address to the user.")
            .ResolveAsync(async context => await SignInMutations.EmailInitiateAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<UserEmailRegistrationValidatePayloadType, UserEmailRegistrationValidateInputType>("userEmailRegistrationValidate",
            "Adds the email address, verified, when the code sent to it is right.")
            .ResolveAsync(async context => await SignInMutations.EmailValidateAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<UserEmailDeletePayloadType>("userEmailDelete", "Removes the user's email, unless it is their only way to sign in.")
            .ResolveAsync(async context => await SignInMutations.EmailDeleteAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<UserPhoneDeletePayloadType>("userPhoneDelete", "Removes the user's phone, unless it is their only way to sign in.")
            .ResolveAsync(async context => await SignInMutations.PhoneDeleteAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<UserTotpRegistrationInitiatePayloadType>("userTotpRegistrationInitiate",
            "Starts turning on two-step sign-in: a secret for an authenticator app, and the id to confirm it with.")
            .ResolveAsync(async context => await SignInMutations.TotpInitiateAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<UserTotpRegistrationValidatePayloadType, UserTotpRegistrationValidateInputType>("userTotpRegistrationValidate",
            "Turns on two-step sign-in when the code is the authenticator app's current one.")
            .ResolveAsync(async context => await SignInMutations.TotpValidateAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<UserTotpDeletePayloadType>("userTotpDelete", "Turns off two-step sign-in.")
            .ResolveAsync(async context => await SignInMutations.TotpDeleteAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<AccountDeletePayloadType>("accountDelete",
            "Deletes the account when all its wallets are empty: every token, consent, API key, session and callback endpoint of it stops working.")
            .ResolveAsync(async context => await AccountMutations.DeleteAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<AccountUpdateNotificationSettingsPayloadType, AccountEnableNotificationChannelInputType>("accountEnableNotificationChannel", null)
            .ResolveAsync(async context => await AccountMutations.ChannelAsync(context, enabled: true)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<AccountUpdateNotificationSettingsPayloadType, AccountDisableNotificationChannelInputType>("accountDisableNotificationChannel", null)
            .ResolveAsync(async context => await AccountMutations.ChannelAsync(context, enabled: false)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<AccountUpdateNotificationSettingsPayloadType, AccountEnableNotificationCategoryInputType>("accountEnableNotificationCategory", null)
            .ResolveAsync(async context => await AccountMutations.CategoryAsync(context, enabled: true)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<AccountUpdateNotificationSettingsPayloadType, AccountDisableNotificationCategoryInputType>("accountDisableNotificationCategory", null)
            .ResolveAsync(async context => await AccountMutations.CategoryAsync(context, enabled: false)).Requires(ScopeRule.Write).FirstPartyOnly();
        Mutation<UserContactUpdateAliasPayloadType, UserContactUpdateAliasInputType>("userContactUpdateAlias", null)
            .DeprecationReason("will be moved to AccountContact")
            .ResolveAsync(async context => await AccountMutations.ContactAliasAsync(context)).Requires(ScopeRule.Write).FirstPartyOnly();
    }

    /// <summary>Blink's two intra-ledger payments, one per wallet currency, with one input type and one description.</summary>
    private void IntraLedgerPaymentSend<TAmount>(string name, Ledger.Currency currency)
        where TAmount : IntegerScalarType
    {
        var (wallet, unit) = currency == Ledger.Currency.Usd ? ("USD", "cents") : ("BTC", "sats");
        Mutation<PaymentSendPayloadType, IntraLedgerPaymentSendInputType<TAmount>>(name,
                $"Pays another wallet of this server from a {wallet} wallet, in {unit}. Returns the payment's status.")
            .ResolveAsync(async context => await PaymentMutations.SendAsync(context, currency)).RequiresCheckedByWrite(ScopeRule.Write);
    }

    /// <summary>
    /// An invoice-creating mutation. The one on behalf of a recipient makes the same invoice, with Blink's same
    /// description, for a wallet the caller names, and needs no credentials.
    /// </summary>
    private void InvoiceCreate<TPayload, TInput>(string name, InvoiceKind kind, bool onBehalfOfRecipient)
        where TPayload : IGraphType
        where TInput : IGraphType
    {
        var description = kind switch
        {
            InvoiceKind.Btc => "Returns a lightning invoice for an associated wallet. When invoice is paid the value will be credited to a BTC wallet. Expires after 'expiresIn' or 24 hours.",
            InvoiceKind.Usd or InvoiceKind.UsdInSats => "Returns a lightning invoice denominated in satoshis for an associated wallet. When invoice is paid the equivalent value at invoice creation will be credited to a USD wallet. Expires after 'expiresIn' or 5 minutes (short expiry time because there is a negative gamma effect on the account).",
            _ => "Returns a lightning invoice for an associated wallet. Can be used to receive any supported currency value (currently USD or BTC). Expires after 'expiresIn' or 24 hours for BTC invoices or 5 minutes for USD invoices.",
        };
        Mutation<TPayload, TInput>(name, description)
            .ResolveAsync(async context => await InvoiceMutations.CreateAsync(context, kind, onBehalfOfRecipient))
            .Requires(onBehalfOfRecipient ? ScopeRule.None : ScopeRule.Receive);
    }

    private static string InvoicePaymentDescription(string wallet) =>
        $"Pay a lightning invoice using a balance from a wallet which is owned by the account of the current user. {wallet} Returns payment status (success, failed, pending, already_paid).";

    private FieldBuilder<object?, object> Mutation<TPayload>(string name, string? description)
        where TPayload : IGraphType
    {
        var field = Field<NonNullGraphType<TPayload>>(name).Description(description);
        field.FieldType.WithMetadata(QueryComplexityRule.CostKey, QueryComplexityRule.MutationCost);
        return field;
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
