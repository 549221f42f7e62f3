using Glint.Api.Errors;
using Glint.Api.Prices;
using Glint.Api.Scalars;
using Glint.Data.Users;
using Glint.Wallets.Queries;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>What <c>myUpdates</c> sends: the caller as they are now, and what changed (null when nothing it can show, such as a new invoice).</summary>
public sealed record MyUpdateSource(IReadOnlyList<ApiError> Errors, User? Me, object? Update);

public sealed class MyUpdatesPayloadType : ObjectGraphType<MyUpdateSource>
{
    public MyUpdatesPayloadType()
    {
        Name = "MyUpdatesPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<UserType>("me").Resolve(context => context.Source.Me);
        Field<UserUpdateType>("update").Resolve(context => context.Source.Update);
    }
}

public sealed class UserUpdateType : UnionGraphType
{
    public UserUpdateType()
    {
        Name = "UserUpdate";
        Type<IntraLedgerUpdateType>();
        Type<LnUpdateType>();
        Type<OnChainUpdateType>();
        Type<PriceType>();
        Type<RealtimePriceType>();
    }
}

/// <summary>Money sent or received inside Glint; the deprecated fields are derived from the transaction.</summary>
public sealed class IntraLedgerUpdateType : ObjectGraphType<IntraLedgerUpdateType.Source>
{
    public IntraLedgerUpdateType()
    {
        Name = "IntraLedgerUpdate";
        Field<NonNullGraphType<SatAmountType>>("amount").DeprecationReason("Deprecated in favor of transaction")
            .Resolve(context => Math.Abs(context.Source.Transaction.Amount));
        Field<NonNullGraphType<FloatGraphType>>("displayCurrencyPerSat").DeprecationReason("Deprecated in favor of transaction")
            .Resolve(context => DollarsPerSat(context.Source.Transaction));
        Field<NonNullGraphType<TransactionType>>("transaction").Resolve(context => context.Source.Transaction);
        Field<NonNullGraphType<TxNotificationTypeType>>("txNotificationType").Resolve(context => context.Source.NotificationType);
        Field<NonNullGraphType<FloatGraphType>>("usdPerSat").DeprecationReason("updated over displayCurrencyPerSat")
            .Resolve(context => DollarsPerSat(context.Source.Transaction));
        Field<NonNullGraphType<WalletIdType>>("walletId").DeprecationReason("Deprecated in favor of transaction")
            .Resolve(context => context.Source.Transaction.WalletId);
    }

    public sealed record Source(string NotificationType, WalletTransaction Transaction);

    internal static double DollarsPerSat(WalletTransaction transaction) => transaction.Details.CentsPerBitcoin / 100d / Ledger.BtcUsdPrice.SatsPerBitcoin;
}

/// <summary>An invoice of the caller's paid (the only change of an invoice that has a transaction).</summary>
public sealed class LnUpdateType : ObjectGraphType<LnUpdateType.Source>
{
    public LnUpdateType()
    {
        Name = "LnUpdate";
        Field<NonNullGraphType<PaymentHashType>>("paymentHash").DeprecationReason("Deprecated in favor of transaction")
            .Resolve(context => context.Source.PaymentHash);
        Field<NonNullGraphType<InvoicePaymentStatusType>>("status").Resolve(context => context.Source.Status);
        Field<NonNullGraphType<TransactionType>>("transaction").Resolve(context => context.Source.Transaction);
        Field<NonNullGraphType<WalletIdType>>("walletId").DeprecationReason("Deprecated in favor of transaction")
            .Resolve(context => context.Source.Transaction.WalletId);
    }

    public sealed record Source(string PaymentHash, string Status, WalletTransaction Transaction);
}

/// <summary>Declared for Blink's union; Glint has no on-chain payments, so none is ever sent.</summary>
public sealed class OnChainUpdateType : ObjectGraphType<OnChainUpdateType.Source>
{
    public OnChainUpdateType()
    {
        Name = "OnChainUpdate";
        Field<NonNullGraphType<SatAmountType>>("amount").DeprecationReason("Deprecated in favor of transaction").Resolve(context => Math.Abs(context.Source.Transaction.Amount));
        Field<NonNullGraphType<FloatGraphType>>("displayCurrencyPerSat").DeprecationReason("Deprecated in favor of transaction")
            .Resolve(context => IntraLedgerUpdateType.DollarsPerSat(context.Source.Transaction));
        Field<NonNullGraphType<TransactionType>>("transaction").Resolve(context => context.Source.Transaction);
        Field<NonNullGraphType<OnChainTxHashType>>("txHash").DeprecationReason("Deprecated in favor of transaction").Resolve(context => context.Source.TxHash);
        Field<NonNullGraphType<TxNotificationTypeType>>("txNotificationType").Resolve(context => context.Source.NotificationType);
        Field<NonNullGraphType<FloatGraphType>>("usdPerSat").DeprecationReason("updated over displayCurrencyPerSat")
            .Resolve(context => IntraLedgerUpdateType.DollarsPerSat(context.Source.Transaction));
        Field<NonNullGraphType<WalletIdType>>("walletId").DeprecationReason("Deprecated in favor of transaction").Resolve(context => context.Source.Transaction.WalletId);
    }

    public sealed record Source(string NotificationType, string TxHash, WalletTransaction Transaction);
}

/// <summary>Blink's older price shape: the price graph's points, the <c>price</c> subscription, a member of the update union.</summary>
public sealed class PriceType : ObjectGraphType<MinorUnitPrice>
{
    public PriceType()
    {
        Name = "Price";
        Field<NonNullGraphType<SafeIntType>>("base").Resolve(context => context.Source.Base);
        Field<NonNullGraphType<StringGraphType>>("currencyUnit").Resolve(context => context.Source.Unit);
        Field<NonNullGraphType<StringGraphType>>("formattedAmount").Resolve(context => context.Source.FormattedAmount);
        Field<NonNullGraphType<IntGraphType>>("offset").Resolve(context => context.Source.Offset);
    }
}
