using System.Globalization;
using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Api.Validation;
using Glint.Wallet.Queries;
using GraphQL;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>The fields of <c>BTCWallet</c> and <c>UsdWallet</c> (the <c>Wallet</c> interface declares the same).</summary>
public static class WalletFields
{
    public static void AddTo(ObjectGraphType<Data.Wallets.Wallet> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type.Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => context.Source.Id.ToString("D", CultureInfo.InvariantCulture));
        type.Field<NonNullGraphType<IdGraphType>>("accountId").Resolve(context => context.Source.AccountId.ToString("D", CultureInfo.InvariantCulture));
        type.Field<NonNullGraphType<WalletCurrencyType>>("walletCurrency").Resolve(context => context.Source.Currency);
        type.Field<NonNullGraphType<SignedAmountType>>("balance").Description("The balance in minor units: sats for BTC, cents for USD.")
            .Resolve(context => context.Source.Balance);
        type.Field<NonNullGraphType<SignedAmountType>>("pendingIncomingBalance").Description("Incoming on-chain funds not confirmed yet (none: Glint has no on-chain deposits yet).")
            .Resolve(_ => 0L);
        type.Field<TransactionConnectionType>("transactions").Description("The wallet's transactions, newest first.")
            .WithPageArguments()
            .ResolveAsync(async context =>
            {
                var page = Pagination.From(context);
                return await context.Service<WalletQueries>()
                    .TransactionsAsync([context.Source.Id], page.First, page.After, page.Last, page.Before, context.CancellationToken);
            });
        type.Field<NonNullGraphType<TransactionType>>("transactionById")
            .Argument<NonNullGraphType<IdGraphType>>("transactionId")
            .ResolveAsync(async context => await TransactionByIdAsync(context));
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TransactionType>>>>("transactionsByPaymentHash")
            .Argument<NonNullGraphType<PaymentHashType>>("paymentHash")
            .Resolve(_ => Array.Empty<WalletTransaction>());
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TransactionType>>>>("transactionsByPaymentRequest")
            .Argument<NonNullGraphType<LnPaymentRequestType>>("paymentRequest")
            .Resolve(_ => Array.Empty<WalletTransaction>());
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TransactionType>>>>("pendingIncomingTransactions")
            .Resolve(_ => Array.Empty<WalletTransaction>());
    }

    private static async Task<WalletTransaction> TransactionByIdAsync(IResolveFieldContext<Data.Wallets.Wallet> context)
    {
        var id = context.GetArgument<string>("transactionId");
        var transaction = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var postingId)
            ? await context.Service<WalletQueries>().FindTransactionAsync(context.Source.Id, postingId, context.CancellationToken)
            : null;
        return transaction ?? throw ApiErrors.NotFound($"Transaction {id} not found in this wallet.");
    }
}
