namespace Glint.Wallets.Callbacks;

/// <summary>
/// Tells this node's callback dispatcher that deliveries were just queued (by a committed ledger entry, or a resend),
/// so it sends them at once instead of at its next poll. Only appends that queued a delivery raise it: a payment
/// between accounts without endpoints wakes nothing. Other nodes find the deliveries at their next poll; this node
/// is awake, and any node may deliver.
/// </summary>
public sealed class CallbackOutbox
{
    public event Action? Queued;

    public void RaiseQueued() => Queued?.Invoke();
}
