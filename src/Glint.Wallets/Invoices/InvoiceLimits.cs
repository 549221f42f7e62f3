using System.Threading.RateLimiting;

namespace Glint.Wallets.Invoices;

/// <summary>
/// Bounds on invoice creation: amounts, expiry, and Blink's rate limits (60 invoices a minute per account, and 60 a
/// minute per recipient for invoices created on someone's behalf). The rate limits are counted per node.
/// </summary>
public sealed class InvoiceLimits : IDisposable
{
    /// <summary>The largest invoice: 10 BTC, or $1,000,000.</summary>
    public const long MaxSats = 1_000_000_000;
    public const long MaxCents = 100_000_000;

    public static readonly TimeSpan DefaultBtcExpiry = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxBtcExpiry = TimeSpan.FromDays(30);

    /// <summary>A USD invoice carries sats converted at the current price, so it lives five minutes (as in Blink).</summary>
    public static readonly TimeSpan UsdExpiry = TimeSpan.FromMinutes(5);

    public const int InvoicesPerMinute = 60;

    private readonly PartitionedRateLimiter<string> _creations = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = InvoicesPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Takes one creation from the account's budget (or the recipient's); false when it is spent.</summary>
    public bool TryCreate(Guid accountId, bool onBehalfOfRecipient)
    {
        using var lease = _creations.AttemptAcquire((onBehalfOfRecipient ? "recipient:" : "account:") + accountId.ToString("N"));
        return lease.IsAcquired;
    }

    public void Dispose() => _creations.Dispose();
}
