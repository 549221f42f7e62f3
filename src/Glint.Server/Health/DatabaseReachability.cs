using Glint.Data;
using Glint.Server.Hosting;

namespace Glint.Server.Health;

/// <summary>
/// Whether the node can open a connection to its database, as a readiness probe asks: a plain connection from the same
/// pool EF Core's come from, so that the first probe, the last step of a start, does not build EF Core's context (the
/// warm-up that follows it does).
/// </summary>
public sealed class DatabaseReachability(DatabaseDsn dsn)
{
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = Database.Connect(dsn);
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return false;
        }
    }
}
