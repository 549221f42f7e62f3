using System.Collections.Concurrent;

namespace Glint.Wallets.Payments;

/// <summary>A wallet's owning account and currency: fixed when the wallet is opened, never changed afterwards.</summary>
public sealed record WalletOwner(Guid AccountId, string Currency);

/// <summary>
/// What this node has learnt about who owns what: each wallet's account and currency, and each user's account. None
/// of it ever changes once written (no wallet moves between accounts or currencies, no user changes account), so it
/// needs no expiry nor eviction across nodes; only what may change (an account's status, its username, balances) is
/// left to the database, checked by the write itself. A payment between wallets this node has seen before can then go
/// straight to its one write. Bounded: past <see cref="MaxEntries"/> of a kind, nothing more is remembered, and the
/// payments it would have served read what they need, as they always could.
/// </summary>
public sealed class WalletOwnership
{
    public const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<Guid, WalletOwner> _wallets = new();
    private readonly ConcurrentDictionary<Guid, Guid> _accountsOfUsers = new();

    public WalletOwner? FindWallet(Guid walletId) => _wallets.TryGetValue(walletId, out var owner) ? owner : null;

    public Guid? FindAccountOfUser(Guid userId) => _accountsOfUsers.TryGetValue(userId, out var accountId) ? accountId : null;

    public void RememberWallet(Guid walletId, WalletOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (_wallets.Count < MaxEntries)
        {
            _wallets.TryAdd(walletId, owner);
        }
    }

    public void RememberAccountOfUser(Guid userId, Guid accountId)
    {
        if (_accountsOfUsers.Count < MaxEntries)
        {
            _accountsOfUsers.TryAdd(userId, accountId);
        }
    }
}
