using System.Globalization;
using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Api.Validation;
using Glint.Data.Wallets;
using Glint.Wallets.Invoices;
using Glint.Wallets.Queries;
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
            .ResolveAsync(async context => await PaidTransactionsAsync(context,
                await context.Service<InvoiceQueries>().FindAsync(context.GetArgument<string>("paymentHash"), context.CancellationToken)));
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TransactionType>>>>("transactionsByPaymentRequest")
            .Argument<NonNullGraphType<LnPaymentRequestType>>("paymentRequest")
            .ResolveAsync(async context => await PaidTransactionsAsync(context,
                await context.Service<InvoiceQueries>().FindByPaymentRequestAsync(context.GetArgument<string>("paymentRequest"), context.CancellationToken)));
        type.Field<InvoiceConnectionType>("invoices").Description("A list of all invoices associated with walletIds optionally passed.")
            .WithPageArguments()
            .ResolveAsync(async context =>
            {
                var page = Pagination.From(context);
                return await context.Service<InvoiceQueries>()
                    .PageAsync([context.Source.Id], page.First, page.After, page.Last, page.Before, WalletQueries.MaxPageSize, context.CancellationToken);
            });
        type.Field<NonNullGraphType<InvoiceType>>("invoiceByPaymentHash")
            .Argument<NonNullGraphType<PaymentHashType>>("paymentHash")
            .ResolveAsync(async context =>
            {
                var invoice = await context.Service<InvoiceQueries>().FindAsync(context.GetArgument<string>("paymentHash"), context.CancellationToken);
                return invoice is not null && invoice.WalletId == context.Source.Id ? invoice : throw ApiErrors.NotFound("Invoice not found in this wallet.");
            });
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TransactionType>>>>("pendingIncomingTransactions")
            .Resolve(_ => Array.Empty<WalletTransaction>());
    }

    /// <summary>This wallet's side of the payment of a Glint invoice (payer or payee), if it paid or received it.</summary>
    private static async Task<IReadOnlyList<WalletTransaction>> PaidTransactionsAsync(IResolveFieldContext<Data.Wallets.Wallet> context, LightningInvoice? invoice)
    {
        if (invoice?.PaidEntryId is not { } entryId)
        {
            return [];
        }

        var transaction = await context.Service<WalletQueries>().FindEntryTransactionAsync(entryId, context.Source.Id, context.CancellationToken);
        return transaction is null ? [] : [transaction];
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
