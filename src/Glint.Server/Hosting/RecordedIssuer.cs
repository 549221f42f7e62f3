using Glint.Data;
using Glint.Data.Deployment;
using Microsoft.EntityFrameworkCore;

namespace Glint.Server.Hosting;

/// <summary>
/// Every node of one database must be the same issuer: a node with another one would refuse the others' tokens and
/// answer revocations of them with a 200 that revokes nothing. The first node records its issuer; a node started
/// with another refuses to start, unless told with <c>--accept-issuer-change</c> that the change is meant.
/// </summary>
public static class RecordedIssuer
{
    public static async Task CheckAsync(StartupDatabase db, Uri issuer, bool acceptChange, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(issuer);
        var mine = issuer.AbsoluteUri;
        var recorded = await ReadAsync(db, cancellationToken);
        if (recorded is null)
        {
            db.Context.RecordedSettings.Add(new RecordedSetting { Name = RecordedSetting.Issuer, Value = mine, RecordedAt = time.GetUtcNow() });
            try
            {
                await db.Context.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException)
            {
                // Another node recorded its issuer a moment earlier: this one must match it.
                db.Context.ChangeTracker.Clear();
                recorded = await ReadAsync(db, cancellationToken)
                    ?? throw new InvalidOperationException("The recorded issuer could be neither written nor read.");
            }
        }

        if (recorded == mine)
        {
            return;
        }

        // A development database follows its server from port to port; only a deployment's issuer is held to.
        if (!acceptChange && !(IsLoopback(recorded) && issuer.IsLoopback))
        {
            throw new StartupRefusedException(
                $"This database belongs to issuer '{recorded}', not '{mine}': start every node with --issuer {recorded}, " +
                "or change the issuer on purpose by starting one node once with --accept-issuer-change (tokens issued before stop verifying).");
        }

        await db.Context.RecordedSettings
            .Where(setting => setting.Name == RecordedSetting.Issuer)
            .ExecuteUpdateAsync(update => update.SetProperty(setting => setting.Value, mine).SetProperty(setting => setting.RecordedAt, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>The recorded issuer, read before the node listens (see <see cref="StartupReads"/>).</summary>
    public static async Task<string?> ReadAsync(StartupDatabase db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await StartupReads.ReadAsync(db.Connection, RecordedSetting.Table, [nameof(RecordedSetting.Value)],
            reader => reader.GetString(0), nameof(RecordedSetting.Name), RecordedSetting.Issuer, cancellationToken)).SingleOrDefault();
    }

    private static bool IsLoopback(string issuer) => Uri.TryCreate(issuer, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
