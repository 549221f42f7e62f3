using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Types;
using Glint.Wallets.Events;
using Glint.Wallets.Invoices;
using Glint.Wallets.Queries;
using GraphQL;

namespace Glint.Api.Subscriptions;

/// <summary>
/// <c>myUpdates</c>: every change to the caller's account, as it happens on any node: money sent or received, an
/// invoice paid or created. It needs an authenticated caller whose credential grants read.
/// </summary>
public static class MyUpdatesSubscription
{
    public static async Task<IObservable<object?>> SubscribeAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.Caller();
        if (caller.UserId is not { } userId)
        {
            throw new ExecutionError("Not Authenticated for subscription") { Code = "NOT_AUTHENTICATED" };
        }

        var account = caller.Account ??= await context.Service<WalletQueries>().FindAccountOfUserAsync(userId, context.CancellationToken)
            ?? throw new ExecutionError("Not Authenticated for subscription") { Code = "NOT_AUTHENTICATED" };
        if (!caller.Allows(ScopeRule.Read))
        {
            throw ApiErrors.ReadDenied();
        }

        var events = context.Service<WalletEvents>();
        return new EventStream<object?>(sink => events.Subscribe(e => e.AccountId == account.Id, sink.Next));
    }

    /// <summary>The payload of one event, read in the event's own service scope.</summary>
    public static async Task<MyUpdateSource> PayloadAsync(IResolveFieldContext<WalletEvent> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var queries = context.Service<WalletQueries>();
        var me = await queries.FindUserAsync(context.Caller().UserId!.Value, context.CancellationToken);
        var walletEvent = context.Source;
        var transaction = walletEvent.EntryId is { } entryId
            ? await queries.FindEntryTransactionAsync(entryId, walletEvent.WalletId, context.CancellationToken)
            : null;
        object? update = (walletEvent.Kind, transaction) switch
        {
            (WalletEvent.InvoicePaid, { } paid) => new LnUpdateType.Source(walletEvent.PaymentHash!, InvoiceStatuses.Paid, paid),
            (WalletEvent.PaymentSent, { } sent) => new IntraLedgerUpdateType.Source("IntraLedgerPayment", sent),
            (WalletEvent.PaymentReceived, { } received) => new IntraLedgerUpdateType.Source("IntraLedgerReceipt", received),
            _ => null,
        };
        return new MyUpdateSource([], me, update);
    }
}
