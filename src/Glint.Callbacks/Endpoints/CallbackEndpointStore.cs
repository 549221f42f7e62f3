using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Wallets.Callbacks;
using Glint.Data.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Glint.Callbacks.Endpoints;

/// <summary>Why an endpoint could not be added, or null with the endpoint.</summary>
public sealed record EndpointAddition(CallbackEndpoint? Endpoint, string? Problem);

/// <summary>A delivery as the portal shows it.</summary>
public sealed record DeliveryView(
    long Id, Guid EndpointId, string EventType, string Status, int Attempts, int? LastStatusCode, DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt);

/// <summary>
/// An account's callback endpoints: add (at most <see cref="MaxPerAccount"/>), list, delete, and the signing secret
/// (sealed at rest, revealed and rotated only for the account that owns the endpoint). Every method is scoped to an
/// account, so an id belonging to another account is treated as unknown.
/// </summary>
public sealed class CallbackEndpointStore(GlintDbContext db, KeySealer sealer, EndpointUrlRules rules, CallbackOutbox outbox, TimeProvider time)
{
    public const int MaxPerAccount = 10;

    /// <summary>SQLite serves one process: adds queue here so that two at once cannot both see nine endpoints.</summary>
    private static readonly SemaphoreSlim SqliteAdds = new(1, 1);

    public async Task<EndpointAddition> AddAsync(Guid accountId, string url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        url = url.Trim();
        if (await rules.FindProblemAsync(url, cancellationToken) is { } problem)
        {
            return new EndpointAddition(null, problem);
        }

        var postgres = db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";
        if (!postgres)
        {
            await SqliteAdds.WaitAsync(cancellationToken);
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (postgres)
            {
                // Holds the account's row until commit, so concurrent adds count one after the other.
                await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE \"Id\" = {accountId} FOR UPDATE", cancellationToken);
            }

            if (await db.CallbackEndpoints.CountAsync(endpoint => endpoint.AccountId == accountId, cancellationToken) >= MaxPerAccount)
            {
                return new EndpointAddition(null, $"An account has at most {MaxPerAccount} callback endpoints: delete one first.");
            }

            var id = Guid.NewGuid();
            var endpoint = new CallbackEndpoint
            {
                Id = id,
                AccountId = accountId,
                Url = url,
                SealedSecret = sealer.Seal(SigningSecret.NewKey(), SealingId(id)),
                CreatedAt = time.GetUtcNow(),
            };
            db.CallbackEndpoints.Add(endpoint);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new EndpointAddition(endpoint, null);
        }
        finally
        {
            if (!postgres)
            {
                SqliteAdds.Release();
            }
        }
    }

    /// <summary>The account of a signed-in user (the portal knows the user, the endpoints belong to the account).</summary>
    public async Task<Guid?> AccountOfUserAsync(Guid userId, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking().Where(account => account.UserId == userId).Select(account => (Guid?)account.Id).SingleOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<CallbackEndpoint>> ListAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.CallbackEndpoints.AsNoTracking()
            .Where(endpoint => endpoint.AccountId == accountId)
            .OrderBy(endpoint => endpoint.CreatedAt).ThenBy(endpoint => endpoint.Id)
            .ToListAsync(cancellationToken);

    /// <summary>Deletes the endpoint and its deliveries; false when the account has no endpoint with this id.</summary>
    public async Task<bool> DeleteAsync(Guid accountId, Guid endpointId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.CallbackDeliveries.Where(delivery => delivery.EndpointId == endpointId &&
            db.CallbackEndpoints.Any(endpoint => endpoint.Id == endpointId && endpoint.AccountId == accountId)).ExecuteDeleteAsync(cancellationToken);
        var deleted = await db.CallbackEndpoints.Where(endpoint => endpoint.Id == endpointId && endpoint.AccountId == accountId)
            .ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    /// <summary>The endpoint's secret (<c>whsec_…</c>) for its owner; null when the account has no such endpoint.</summary>
    public async Task<string?> RevealSecretAsync(Guid accountId, Guid endpointId, CancellationToken cancellationToken)
    {
        var endpoint = await db.CallbackEndpoints.AsNoTracking()
            .SingleOrDefaultAsync(row => row.Id == endpointId && row.AccountId == accountId, cancellationToken);
        return endpoint is null ? null : SigningSecret.Format(UnsealKey(endpoint));
    }

    /// <summary>Replaces the endpoint's secret: deliveries from now on are signed with the new one.</summary>
    public async Task<bool> RotateSecretAsync(Guid accountId, Guid endpointId, CancellationToken cancellationToken)
    {
        var sealedKey = sealer.Seal(SigningSecret.NewKey(), SealingId(endpointId));
        return await db.CallbackEndpoints.Where(row => row.Id == endpointId && row.AccountId == accountId)
            .ExecuteUpdateAsync(set => set.SetProperty(row => row.SealedSecret, sealedKey), cancellationToken) > 0;
    }

    /// <summary>The newest deliveries to the account's endpoints.</summary>
    public async Task<IReadOnlyList<DeliveryView>> RecentDeliveriesAsync(Guid accountId, int count, CancellationToken cancellationToken) =>
        await (from delivery in db.CallbackDeliveries.AsNoTracking()
               join endpoint in db.CallbackEndpoints.AsNoTracking() on delivery.EndpointId equals endpoint.Id
               where endpoint.AccountId == accountId
               orderby delivery.Id descending
               select new DeliveryView(delivery.Id, delivery.EndpointId, delivery.EventType, delivery.Status, delivery.Attempts,
                   delivery.LastStatusCode, delivery.NextAttemptAt, delivery.CreatedAt))
            .Take(count)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Sends a delivery again as soon as the dispatcher can, with a fresh retry schedule; a disabled endpoint is
    /// enabled again, as the owner asked for it. False when the account has no such delivery.
    /// </summary>
    public async Task<bool> ResendAsync(Guid accountId, long deliveryId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var endpointId = await (from delivery in db.CallbackDeliveries
                                join endpoint in db.CallbackEndpoints on delivery.EndpointId equals endpoint.Id
                                where delivery.Id == deliveryId && endpoint.AccountId == accountId
                                select (Guid?)endpoint.Id).SingleOrDefaultAsync(cancellationToken);
        if (endpointId is null)
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.CallbackEndpoints.Where(endpoint => endpoint.Id == endpointId && endpoint.DisabledAt != null)
            .ExecuteUpdateAsync(set => set.SetProperty(endpoint => endpoint.DisabledAt, (DateTimeOffset?)null)
                .SetProperty(endpoint => endpoint.FailingSince, (DateTimeOffset?)null), cancellationToken);
        await db.CallbackDeliveries.Where(delivery => delivery.Id == deliveryId)
            .ExecuteUpdateAsync(set => set.SetProperty(delivery => delivery.Status, CallbackDelivery.Pending)
                .SetProperty(delivery => delivery.Attempts, 0)
                .SetProperty(delivery => delivery.NextAttemptAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.RaiseQueued();
        return true;
    }

    /// <summary>The key bytes of an endpoint's secret.</summary>
    public byte[] UnsealKey(CallbackEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return sealer.Unseal(endpoint.SealedSecret, SealingId(endpoint.Id));
    }

    /// <summary>Bound into the seal, so a sealed secret cannot be moved to another endpoint's row.</summary>
    private static string SealingId(Guid endpointId) => "callback-endpoint:" + endpointId.ToString("D");
}
