using System.Collections;
using System.Globalization;
using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Api.Validation;
using Glint.Auth;
using Glint.Callbacks.Endpoints;
using Glint.Data.Wallets;
using Glint.Wallets.Invoices;
using Glint.Wallets.Prices;
using Glint.Wallets.Queries;
using GraphQL;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>The fields of Blink's <c>ConsumerAccount</c> (the <c>Account</c> interface declares the same).</summary>
public static class AccountFields
{
    /// <summary>The callback portal of the built-in account pages, relative to the issuer.</summary>
    public const string CallbackPortalPath = "account/callbacks";

    public static void AddTo(ObjectGraphType<WalletAccount> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type.Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => context.Source.Id.ToString("D", CultureInfo.InvariantCulture));
        type.Field<NonNullGraphType<AccountLevelType>>("level").Resolve(context => context.Source.Level);
        type.Field<NonNullGraphType<DisplayCurrencyType>>("displayCurrency").Resolve(context => context.Source.DisplayCurrency);
        type.Field<NonNullGraphType<PublicWalletType>>("defaultWallet").ResolveAsync(async context =>
            await context.Service<WalletQueries>().FindWalletAsync(context.Source.DefaultWalletId, context.CancellationToken));
        type.Field<NonNullGraphType<WalletIdType>>("defaultWalletId").DeprecationReason("Use defaultWallet { id }.")
            .Resolve(context => context.Source.DefaultWalletId);
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WalletType>>>>("wallets").ResolveAsync(async context =>
            context.Caller().WalletsOf(context.Source.Id) ?? await context.Service<WalletQueries>().WalletsAsync(context.Source.Id, context.CancellationToken));
        type.Field<NonNullGraphType<WalletType>>("walletById")
            .Argument<NonNullGraphType<WalletIdType>>("walletId")
            .ResolveAsync(async context => await WalletByIdAsync(context));
        type.Field<TransactionConnectionType>("transactions").Description("The transactions of the account's wallets (or of those in walletIds, which must be the account's), newest first.")
            .WithPageArguments()
            .Argument<ListGraphType<WalletIdType>>("walletIds")
            .ResolveAsync(async context => await TransactionsAsync(context));
        type.Field<InvoiceConnectionType>("invoices").Description("A list of all invoices associated with walletIds optionally passed.")
            .WithPageArguments()
            .Argument<ListGraphType<WalletIdType>>("walletIds")
            .ResolveAsync(async context => await InvoicesAsync(context));
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TransactionType>>>>("pendingIncomingTransactions")
            .Argument<ListGraphType<WalletIdType>>("walletIds")
            .Resolve(_ => Array.Empty<WalletTransaction>());
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CallbackEndpointType>>>>("callbackEndpoints").ResolveAsync(async context =>
            await context.Service<CallbackEndpointStore>().ListAsync(context.Source.Id, context.CancellationToken));
        type.Field<NonNullGraphType<StringGraphType>>("callbackPortalUrl")
            .Description("The account page where the owner sees the callback endpoints, their signing secrets and recent deliveries.")
            .Resolve(context => new Uri(context.Service<AuthSettings>().PublicBase, CallbackPortalPath).AbsoluteUri);
        type.Field<NonNullGraphType<StringGraphType>>("csvTransactions")
            .Description($"return CSV stream, base64 encoded, of the list of transactions in the wallet (at most {MaxCsvTransactions}; the account page's download has no bound)")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<WalletIdType>>>>("walletIds")
            .ResolveAsync(async context => await CsvTransactionsAsync(context));
        type.Field<NonNullGraphType<NotificationSettingsType>>("notificationSettings").ResolveAsync(async context =>
            await context.Service<Accounts.NotificationSettings>().ReadAsync(context.Source.Id, context.CancellationToken));
        type.Field<NonNullGraphType<RealtimePriceType>>("realtimePrice").ResolveAsync(async context =>
            await context.Service<IPriceProvider>().GetPriceAsync(context.CancellationToken));
    }

    private static async Task<Data.Wallets.Wallet> WalletByIdAsync(IResolveFieldContext<WalletAccount> context)
    {
        var wallet = await context.Service<WalletQueries>().FindWalletAsync(context.GetArgument<Guid>("walletId"), context.CancellationToken);
        return wallet is not null && wallet.AccountId == context.Source.Id ? wallet : throw ApiErrors.InvalidInput("Invalid walletId for account.");
    }

    /// <summary>
    /// How many transactions <c>csvTransactions</c> exports: its answer is one string, held whole in memory and sent
    /// base64-encoded, so it is bounded; the account page streams the same CSV without a bound.
    /// </summary>
    public const int MaxCsvTransactions = 10_000;

    /// <summary>The CSV of <see cref="TransactionCsv"/> in UTF-8, base64-encoded as Blink returns it.</summary>
    private static async Task<string> CsvTransactionsAsync(IResolveFieldContext<WalletAccount> context)
    {
        var owned = await RequestedWalletsAsync(context);
        var transactions = TransactionCsv.AllAsync(context.Service<WalletQueries>(), owned, context.CancellationToken);
        await using var csv = new StringWriter(CultureInfo.InvariantCulture);
        await TransactionCsv.WriteAsync(csv, Bounded(transactions), context.CancellationToken);
        return Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(csv.ToString()));
    }

    private static async IAsyncEnumerable<WalletTransaction> Bounded(IAsyncEnumerable<WalletTransaction> transactions)
    {
        var count = 0;
        await foreach (var transaction in transactions)
        {
            if (++count > MaxCsvTransactions)
            {
                throw ApiErrors.InvalidInput(string.Create(CultureInfo.InvariantCulture,
                    $"csvTransactions exports at most {MaxCsvTransactions} transactions: ask for fewer walletIds, or download the CSV from the account page."));
            }

            yield return transaction;
        }
    }

    private static async Task<TransactionPage> TransactionsAsync(IResolveFieldContext<WalletAccount> context)
    {
        var page = Pagination.From(context);
        var owned = await RequestedWalletsAsync(context);
        return await context.Service<WalletQueries>().TransactionsAsync(owned, page.First, page.After, page.Last, page.Before, context.CancellationToken);
    }

    private static async Task<InvoicePage> InvoicesAsync(IResolveFieldContext<WalletAccount> context)
    {
        var page = Pagination.From(context);
        var owned = await RequestedWalletsAsync(context);
        return await context.Service<InvoiceQueries>()
            .PageAsync(owned, page.First, page.After, page.Last, page.Before, WalletQueries.MaxPageSize, context.CancellationToken);
    }

    /// <summary>The account's wallets, or those of <c>walletIds</c>, which must all be the account's.</summary>
    private static async Task<List<Guid>> RequestedWalletsAsync(IResolveFieldContext<WalletAccount> context)
    {
        var queries = context.Service<WalletQueries>();
        var wallets = context.Caller().WalletsOf(context.Source.Id) ?? await queries.WalletsAsync(context.Source.Id, context.CancellationToken);
        var owned = wallets.Select(wallet => wallet.Id).ToList();
        if (context.GetArgument<object?>("walletIds") is IEnumerable requested)
        {
            // As in Blink, naming a wallet that is not the account's is an error, not an empty list.
            var wanted = requested.OfType<Guid>().Distinct().ToList();
            if (wanted.Except(owned).Any())
            {
                throw ApiErrors.InvalidInput("Invalid walletId for account.");
            }

            owned = wanted;
        }

        return owned;
    }
}
