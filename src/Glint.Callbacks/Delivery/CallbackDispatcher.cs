using Glint.Callbacks.Endpoints;
using Glint.Data;
using Glint.Data.Callbacks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Callbacks.Delivery;

/// <summary>
/// One pass of delivery: claims the due deliveries, sends them all at once, records each outcome. A claim moves the
/// delivery's due time one lease ahead and counts the attempt in the same commit; on PostgreSQL the claiming query
/// locks with <c>FOR UPDATE SKIP LOCKED</c>, so nodes claiming together take different deliveries. A node that dies
/// mid-attempt leaves the delivery due again once the lease has passed.
/// </summary>
public sealed partial class CallbackDispatcher(
    IServiceScopeFactory scopes, CallbackSender sender, RetrySchedule schedule, TimeProvider time, ILogger<CallbackDispatcher> logger)
{
    /// <summary>At most this many deliveries are in flight per node and pass.</summary>
    public const int BatchSize = 32;

    private sealed record Claimed(CallbackDelivery Delivery, CallbackEndpoint Endpoint);

    /// <summary>Delivers what is due now; returns how many deliveries it attempted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken);
        await Task.WhenAll(claimed.Select(claim => DeliverAsync(claim, cancellationToken)));
        return claimed.Count;
    }

    private async Task<List<Claimed>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL"
            ? db.CallbackDeliveries.FromSql(
                $"SELECT * FROM callback_deliveries WHERE \"Status\" = {CallbackDelivery.Pending} AND \"NextAttemptAt\" <= {now} ORDER BY \"NextAttemptAt\" LIMIT {BatchSize} FOR UPDATE SKIP LOCKED")
            // SQLite: one node, and this pass is its only claimer.
            : db.CallbackDeliveries.Where(delivery => delivery.Status == CallbackDelivery.Pending && delivery.NextAttemptAt <= now)
                .OrderBy(delivery => delivery.NextAttemptAt).Take(BatchSize);
        var deliveries = await due.ToListAsync(cancellationToken);
        if (deliveries.Count == 0)
        {
            return [];
        }

        foreach (var delivery in deliveries)
        {
            delivery.Attempts++;
            delivery.LastAttemptAt = now;
            delivery.NextAttemptAt = now + RetrySchedule.ClaimLease;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var endpointIds = deliveries.Select(delivery => delivery.EndpointId).Distinct().ToList();
        var endpoints = await db.CallbackEndpoints.AsNoTracking().Where(endpoint => endpointIds.Contains(endpoint.Id))
            .ToDictionaryAsync(endpoint => endpoint.Id, cancellationToken);
        return [.. deliveries.Where(delivery => endpoints.ContainsKey(delivery.EndpointId)).Select(delivery => new Claimed(delivery, endpoints[delivery.EndpointId]))];
    }

    private async Task DeliverAsync(Claimed claim, CancellationToken cancellationToken)
    {
        var (delivery, endpoint) = claim;
        var startedAt = delivery.LastAttemptAt ?? time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        AttemptResult result;
        try
        {
            if (endpoint.DisabledAt is not null)
            {
                result = new AttemptResult(false, null, "endpoint disabled");
            }
            else if (await services.GetRequiredService<CallbackPayloads>().RenderAsync(delivery, endpoint.AccountId, cancellationToken) is not { } body)
            {
                result = new AttemptResult(false, null, "the entry is gone");
            }
            else
            {
                var key = services.GetRequiredService<CallbackEndpointStore>().UnsealKey(endpoint);
                result = await sender.SendAsync(endpoint.Url, key, CallbackPayloads.MessageId(delivery), body, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Counted as a failed attempt, so the schedule still ends: a delivery that can never be sent is not
            // claimed again forever. (A secret that no longer unseals means the system secret changed.)
            LogNotSent(logger, delivery.Id, exception);
            result = new AttemptResult(false, null, "could not be sent");
        }

        CallbackTelemetry.Deliveries.Add(1, result.Delivered ? CallbackTelemetry.Delivered : CallbackTelemetry.Failed);
        await RecordAsync(services, delivery, endpoint, startedAt, result, cancellationToken);
    }

    private async Task RecordAsync(
        IServiceProvider services, CallbackDelivery delivery, CallbackEndpoint endpoint, DateTimeOffset startedAt, AttemptResult result, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<GlintDbContext>();
        if (result.Delivered)
        {
            await db.CallbackDeliveries.Where(row => row.Id == delivery.Id).ExecuteUpdateAsync(set => set
                .SetProperty(row => row.Status, CallbackDelivery.Delivered)
                .SetProperty(row => row.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(row => row.LastStatusCode, result.StatusCode), cancellationToken);
            if (endpoint.FailingSince is not null)
            {
                await db.CallbackEndpoints.Where(row => row.Id == endpoint.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(row => row.FailingSince, (DateTimeOffset?)null), cancellationToken);
            }

            return;
        }

        LogAttemptFailed(logger, delivery.Id, delivery.Attempts, result.Failure ?? "failed");
        var failingSince = endpoint.FailingSince ?? startedAt;
        var disable = endpoint.DisabledAt is null && startedAt - failingSince >= RetrySchedule.DisableAfter;
        var next = endpoint.DisabledAt is null && !disable ? schedule.NextAttempt(delivery.Attempts, startedAt) : null;
        await db.CallbackDeliveries.Where(row => row.Id == delivery.Id).ExecuteUpdateAsync(set => set
            .SetProperty(row => row.Status, next is null ? CallbackDelivery.Failed : CallbackDelivery.Pending)
            .SetProperty(row => row.NextAttemptAt, next)
            .SetProperty(row => row.LastStatusCode, result.StatusCode), cancellationToken);
        if (endpoint.DisabledAt is not null)
        {
            return;
        }

        if (endpoint.FailingSince is null)
        {
            await db.CallbackEndpoints.Where(row => row.Id == endpoint.Id && row.FailingSince == null)
                .ExecuteUpdateAsync(set => set.SetProperty(row => row.FailingSince, startedAt), cancellationToken);
        }

        if (disable)
        {
            await DisableAsync(services, endpoint, cancellationToken);
        }
    }

    /// <summary>Disables the endpoint (once, whichever node gets there first), fails what it still had pending, and tells the owner.</summary>
    private async Task DisableAsync(IServiceProvider services, CallbackEndpoint endpoint, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<GlintDbContext>();
        var now = time.GetUtcNow();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var disabled = await db.CallbackEndpoints.Where(row => row.Id == endpoint.Id && row.DisabledAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(row => row.DisabledAt, now), cancellationToken);
            if (disabled == 0)
            {
                return;
            }

            await db.CallbackDeliveries.Where(row => row.EndpointId == endpoint.Id && row.Status == CallbackDelivery.Pending)
                .ExecuteUpdateAsync(set => set.SetProperty(row => row.Status, CallbackDelivery.Failed)
                    .SetProperty(row => row.NextAttemptAt, (DateTimeOffset?)null), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        LogDisabled(logger, endpoint.Id);
        try
        {
            await services.GetRequiredService<IEndpointDisabledNotice>().SendAsync(endpoint.AccountId, endpoint.Url, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNoticeFailed(logger, endpoint.Id, exception);
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Callback delivery {DeliveryId} attempt {Attempt} failed: {Failure}")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, int attempt, string failure);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Error, Message = "Callback delivery {DeliveryId} could not be prepared or sent")]
    private static partial void LogNotSent(ILogger logger, long deliveryId, Exception exception);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Callback endpoint {EndpointId} failed for too long and was disabled")]
    private static partial void LogDisabled(ILogger logger, Guid endpointId);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "The owner of callback endpoint {EndpointId} could not be told it was disabled")]
    private static partial void LogNoticeFailed(ILogger logger, Guid endpointId, Exception exception);
}
