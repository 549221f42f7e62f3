namespace Glint.Lightning.Bolt11;

/// <summary>
/// Decodes payment requests for this server: a valid invoice (<see cref="Bolt11Parser"/>) for the configured network,
/// not expired.
/// </summary>
public sealed class Bolt11Decoder(Bolt11Network network, TimeProvider time)
{
    public Bolt11Network Network { get; } = network;

    public Bolt11Invoice Decode(string paymentRequest)
    {
        var invoice = Bolt11Parser.Parse(paymentRequest);
        if (invoice.Network != Network)
        {
            throw new InvalidInvoiceException(InvoiceError.WrongNetwork,
                $"The invoice is for {invoice.Network.Name}; this server runs on {Network.Name}.");
        }

        return invoice.IsExpiredAt(time.GetUtcNow())
            ? throw new InvalidInvoiceException(InvoiceError.Expired, "The invoice has expired.")
            : invoice;
    }
}
