using Glint.Lightning.Bolt11;
using Glint.Wallets.Payments;

namespace Glint.Wallets.Lightning;

/// <summary>
/// Pays invoices Glint did not issue, through a Lightning node. Invoices between Glint's own wallets never reach it:
/// they settle in the ledger.
/// </summary>
public interface ILightningNodeConnector
{
    /// <summary>The routing fee to pay <paramref name="invoice"/> (<paramref name="amountMsat"/> for an invoice without amount), or why it cannot be paid.</summary>
    Task<(long? FeeSats, PaymentError? Error)> ProbeAsync(Bolt11Invoice invoice, long amountMsat, CancellationToken cancellationToken);

    Task<PaymentError?> PayAsync(Bolt11Invoice invoice, long amountMsat, CancellationToken cancellationToken);
}

/// <summary>The connector of a Glint without a Lightning node: every external payment fails, plainly, before any money moves.</summary>
public sealed class NoExternalNetworkConnector : ILightningNodeConnector
{
    public Task<(long? FeeSats, PaymentError? Error)> ProbeAsync(Bolt11Invoice invoice, long amountMsat, CancellationToken cancellationToken) =>
        Task.FromResult<(long?, PaymentError?)>((null, PaymentError.NoExternalRoute));

    public Task<PaymentError?> PayAsync(Bolt11Invoice invoice, long amountMsat, CancellationToken cancellationToken) =>
        Task.FromResult<PaymentError?>(PaymentError.NoExternalRoute);
}
