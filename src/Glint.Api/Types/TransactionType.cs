using System.Globalization;
using Glint.Api.Prices;
using Glint.Api.Scalars;
using Glint.Wallets.Queries;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>
/// One wallet's side of a journal entry. Its id (and cursor) is the posting id. Amounts are signed (negative for a
/// send), fees are zero (internal payments are free), display amounts are in US dollars at the settlement price.
/// </summary>
public sealed class TransactionType : ObjectGraphType<WalletTransaction>
{
    public TransactionType()
    {
        Name = "Transaction";
        Description = "A movement of money in or out of a wallet.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => context.Source.Id.ToString(CultureInfo.InvariantCulture));
        Field<NonNullGraphType<TimestampType>>("createdAt").Resolve(context => context.Source.CreatedAt);
        Field<NonNullGraphType<TxDirectionType>>("direction").Resolve(context => context.Source.Amount > 0 ? "RECEIVE" : "SEND");
        Field<NonNullGraphType<TxStatusType>>("status").Resolve(_ => "SUCCESS");
        Field<MemoType>("memo").Resolve(context => context.Source.Memo);
        Field<TxExternalIdType>("externalId").Resolve(_ => null);
        Field<NonNullGraphType<InitiationViaType>>("initiationVia").Description("How the payment was started: a Lightning invoice, or an internal payment.")
            .Resolve(context => context.Source.Details is { PaymentHash: { } hash, PaymentRequest: { } request }
                ? new InitiationViaLnType.Source(hash, request)
                : Counterparty(context.Source));
        Field<NonNullGraphType<SettlementViaType>>("settlementVia").Description("How the payment was settled; a paid invoice shows its preimage.")
            .Resolve(context => context.Source.Details.PaymentHash is not null
                ? new SettlementViaLnType.Source(context.Source.Details.Preimage)
                : Counterparty(context.Source));
        Field<NonNullGraphType<SignedAmountType>>("settlementAmount").Description("The signed amount in the wallet's minor unit: negative for a send.")
            .Resolve(context => context.Source.Amount);
        Field<NonNullGraphType<SignedAmountType>>("settlementFee").Resolve(_ => 0L);
        Field<NonNullGraphType<WalletCurrencyType>>("settlementCurrency").Description("The currency of the wallet.")
            .Resolve(context => context.Source.Currency);
        Field<NonNullGraphType<SignedDisplayMajorAmountType>>("settlementDisplayAmount").Resolve(context =>
            DisplayAmounts.Major(DisplayAmounts.Cents(context.Source.Currency, context.Source.Amount, context.Source.Details.CentsPerBitcoin)));
        Field<NonNullGraphType<SignedDisplayMajorAmountType>>("settlementDisplayFee").Resolve(_ => DisplayAmounts.Major(0));
        Field<NonNullGraphType<DisplayCurrencyType>>("settlementDisplayCurrency").Resolve(_ => CurrencyInfo.Usd.Code);
        Field<NonNullGraphType<PriceOfOneSettlementMinorUnitInDisplayMinorUnitType>>("settlementPrice")
            .Description("The price of one minor unit of the wallet at settlement, in display-currency minor units.")
            .Resolve(context => DisplayAmounts.SettlementPrice(context.Source.Currency, context.Source.Details.CentsPerBitcoin));
    }

    private static IntraLedgerCounterparty Counterparty(WalletTransaction transaction) =>
        new(transaction.CounterpartyUsername, transaction.CounterpartyWalletId);
}
