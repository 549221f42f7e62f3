using Glint.Data;

namespace Glint.Wallets.Queries;

/// <summary>
/// The node's account read (<see cref="AccountAndWalletsRead"/>, built from the EF model), settled by the first read
/// through a request's context; the reads after it need no context (see <see cref="WalletQueries"/>).
/// </summary>
public sealed class SettledAccountRead
{
    private volatile AccountAndWalletsRead? _read;

    internal AccountAndWalletsRead? Settled => _read;

    internal AccountAndWalletsRead Settle(GlintDbContext db) => _read ??= AccountAndWalletsRead.For(db);
}
