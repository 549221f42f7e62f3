using System.Data;
using System.Data.Common;
using Glint.Data;
using Glint.Data.Wallets;

namespace Glint.Wallets.Queries;

/// <summary>
/// The account reads of concurrent requests on PostgreSQL, answered by one statement: the user ids that arrive while
/// a read is at the database go together in the next one (<c>= ANY($1)</c>), each request getting its own account and
/// wallets. Each statement cost PostgreSQL about the same whatever it read, and that floor, with the client's work per
/// command, was most of a GraphQL <c>me</c> after GraphQL itself. A read is sent only after its request joined the
/// batch, so it sees every commit that request saw before it asked (read committed, as a read of its own would).
/// No loop runs while nothing is asked: the request that finds no batch running starts one, and it stops when the
/// queue is empty.
/// </summary>
internal sealed class AccountReadBatches(DbDataSource source, AccountAndWalletsRead read)
{
    /// <summary>At most this many distinct users a statement: its array parameter stays small.</summary>
    private const int MaxUsersPerRead = 256;

    private readonly Lock _gate = new();
    private List<Pending> _queued = [];
    private bool _running;

    /// <summary>The account of <paramref name="userId"/> (null when the user has none), its wallets added to <paramref name="wallets"/>.</summary>
    public async Task<WalletAccount?> ReadAsync(Guid userId, List<Wallet> wallets, CancellationToken cancellationToken)
    {
        var pending = new Pending(userId);
        bool start;
        lock (_gate)
        {
            _queued.Add(pending);
            start = !_running;
            _running = true;
        }

        if (start)
        {
            // On the thread pool, without this request's execution context: the loop serves other requests' reads
            // (and may run for as long as reads keep coming), so it must not carry this one's trace or HttpContext.
            // Not awaited: this request waits for its own read like every other member of the batch.
            ThreadPool.UnsafeQueueUserWorkItem(static batches => _ = batches.RunAsync(), this, preferLocal: true);
        }

        var found = await pending.Result.Task.WaitAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        // Instances of its own: what one request's resolvers do with them never reaches another request.
        foreach (var wallet in found.Value.Wallets)
        {
            wallets.Add(wallet.Copy());
        }

        return found.Value.Account.Copy();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _running = false;
                    return;
                }

                batch = _queued;
                _queued = [];
            }

            try
            {
                // A batch larger than one statement takes is read in parts, each part one statement.
                var users = batch.Select(static pending => pending.UserId).Distinct().ToArray();
                for (var offset = 0; offset < users.Length; offset += MaxUsersPerRead)
                {
                    var part = users[offset..Math.Min(users.Length, offset + MaxUsersPerRead)];
                    var found = await ReadManyAsync(part);
                    foreach (var pending in batch)
                    {
                        if (Array.IndexOf(part, pending.UserId) >= 0)
                        {
                            pending.Result.TrySetResult(found.TryGetValue(pending.UserId, out var account) ? account : null);
                        }
                    }
                }
            }
            catch (Exception exception)
            {
                // Every request not yet answered fails as a read of its own would have; the next batch tries again.
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(exception);
                }
            }
        }
    }

    private async Task<Dictionary<Guid, Found>> ReadManyAsync(Guid[] users)
    {
        await using var command = source.CreateCommand(read.BatchSql);
        var parameter = command.CreateParameter();
        parameter.Value = users;
        command.Parameters.Add(parameter);
        using var timing = DatabaseTelemetry.Time(command);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, CancellationToken.None);
        var found = new Dictionary<Guid, Found>(users.Length);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            var userId = reader.GetGuid(AccountAndWalletsRead.UserIdOrdinal);
            if (!found.TryGetValue(userId, out var account))
            {
                account = new Found(read.ReadAccount(reader, userId), []);
                found[userId] = account;
            }

            if (read.ReadWallet(reader, account.Account.Id) is { } wallet)
            {
                account.Wallets.Add(wallet);
            }
        }

        return found;
    }

    private readonly record struct Found(WalletAccount Account, List<Wallet> Wallets);

    private sealed class Pending(Guid userId)
    {
        public Guid UserId { get; } = userId;

        public TaskCompletionSource<Found?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
