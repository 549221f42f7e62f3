using Glint.Data;
using Glint.Data.Wallets;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallets.Invoices;

public sealed record InvoicePage(IReadOnlyList<LightningInvoice> Items, bool HasNextPage, bool HasPreviousPage);

/// <summary>The read side of invoices: by payment hash (status checks), and pages of a wallet's invoices, newest first.</summary>
public sealed class InvoiceQueries(GlintDbContext db)
{
    public Task<LightningInvoice?> FindAsync(string paymentHash, CancellationToken cancellationToken)
    {
        var hash = paymentHash.ToLowerInvariant();
        return db.LightningInvoices.AsNoTracking().SingleOrDefaultAsync(i => i.PaymentHash == hash, cancellationToken);
    }

    public Task<LightningInvoice?> FindByPaymentRequestAsync(string paymentRequest, CancellationToken cancellationToken)
    {
        var request = paymentRequest.Trim().ToLowerInvariant();
        return db.LightningInvoices.AsNoTracking().SingleOrDefaultAsync(i => i.PaymentRequest == request, cancellationToken);
    }

    /// <summary>Keyset pages on the invoice id, as transaction pages are: <paramref name="first"/>/<paramref name="after"/> towards older invoices.</summary>
    public async Task<InvoicePage> PageAsync(
        IReadOnlyCollection<Guid> walletIds, int? first, long? after, int? last, long? before, int maxPageSize, CancellationToken cancellationToken)
    {
        var invoices = db.LightningInvoices.AsNoTracking().Where(i => walletIds.Contains(i.WalletId));
        if (last is { } count && first is null)
        {
            if (before is { } newerThan)
            {
                invoices = invoices.Where(i => i.Id > newerThan);
            }

            var newer = await invoices.OrderBy(i => i.Id).Take(count + 1).ToListAsync(cancellationToken);
            return new InvoicePage([.. newer.Take(count).OrderByDescending(i => i.Id)], before is not null, newer.Count > count);
        }

        var size = first ?? maxPageSize;
        if (after is { } olderThan)
        {
            invoices = invoices.Where(i => i.Id < olderThan);
        }

        var older = await invoices.OrderByDescending(i => i.Id).Take(size + 1).ToListAsync(cancellationToken);
        return new InvoicePage([.. older.Take(size)], older.Count > size, after is not null);
    }
}
