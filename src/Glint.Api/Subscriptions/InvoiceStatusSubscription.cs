using Glint.Api.Errors;
using Glint.Api.Root;
using Glint.Api.Types;
using Glint.Wallets.Events;
using Glint.Wallets.Invoices;
using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Api.Subscriptions;

/// <summary>
/// The status subscriptions, as the PoS uses them: one message when the invoice is settled one way or the other
/// (PAID, or EXPIRED when its time runs out or it is cancelled), then completion. The event listener is in place
/// before the current status is read, so a payment in between is never missed.
/// </summary>
public static class InvoiceStatusSubscription
{
    public static async Task<IObservable<object?>> SubscribeAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices ?? throw new InvalidOperationException("The subscription has no services.");
        var events = services.GetRequiredService<WalletEvents>();
        var time = services.GetRequiredService<TimeProvider>();
        var input = LightningInput.Of(context);
        var hash = input.String("paymentHash")?.ToLowerInvariant();

        // Completes with the event's kind: paid or cancelled. Without the hash yet (by payment request), any
        // invoice's events are kept until the invoice is known, then only its own count.
        var settled = new TaskCompletionSource<WalletEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heard = new System.Collections.Concurrent.ConcurrentQueue<WalletEvent>();
        var listener = events.Subscribe(
            e => e.Kind is WalletEvent.InvoicePaid or WalletEvent.InvoiceCancelled && (hash is null || e.PaymentHash == hash),
            e =>
            {
                heard.Enqueue(e);
                if (hash is not null)
                {
                    settled.TrySetResult(e);
                }
            });
        try
        {
            var invoice = await InvoiceStatusQueries.FindAsync(context);
            if (invoice is null)
            {
                listener.Dispose();
                return new EventStream<object?>(sink =>
                {
                    sink.Last(new InvoiceStatusSource([new ApiError("NOT_FOUND", InvoiceStatusQueries.NotFoundMessage)], null, null, null));
                    return EmptyDisposable.Instance;
                });
            }

            hash = invoice.PaymentHash;
            if (heard.FirstOrDefault(e => e.PaymentHash == hash) is { } early)
            {
                settled.TrySetResult(early);
            }

            var current = InvoiceStatusQueries.Status(context, invoice);
            var stopping = new CancellationTokenSource();
            return new EventStream<object?>(sink =>
            {
                if (current.Status != InvoiceStatuses.Pending)
                {
                    sink.Last(current);
                }
                else
                {
                    _ = WaitAsync(sink, invoice.ExpiresAt - time.GetUtcNow(), current, settled.Task, stopping.Token);
                }

                return new CompositeDisposable(listener, stopping);
            });
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private static async Task WaitAsync(
        EventStream<object?>.Sink sink, TimeSpan untilExpiry, InvoiceStatusSource pending, Task<WalletEvent> settled, CancellationToken stopping)
    {
        try
        {
            var expiry = Task.Delay(untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero, stopping);
            var first = await Task.WhenAny(settled, expiry);
            await first;
            var paid = first == settled && settled.Result.Kind == WalletEvent.InvoicePaid;
            sink.Last(pending with { Status = paid ? InvoiceStatuses.Paid : InvoiceStatuses.Expired });
        }
        catch (OperationCanceledException)
        {
            // The client stopped listening.
        }
    }

    private sealed class CompositeDisposable(IDisposable listener, CancellationTokenSource stopping) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                listener.Dispose();
                stopping.Cancel();
                stopping.Dispose();
            }
        }
    }
}

internal sealed class EmptyDisposable : IDisposable
{
    public static readonly EmptyDisposable Instance = new();

    public void Dispose()
    {
    }
}
