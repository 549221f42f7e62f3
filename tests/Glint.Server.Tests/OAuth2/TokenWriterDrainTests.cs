using Glint.Auth.OAuth2;
using Glint.Data;
using Glint.Data.Audit;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// A node that stops still commits what its writer has queued: the requests waiting on those writes are answered, and
/// what was acknowledged is in the database afterwards. Hundreds of writes queued at once are more than a few commits
/// can take before the shutdown begins, so the queue is not empty when it does.
/// </summary>
public abstract class TokenWriterDrainTests(DatabaseKind kind)
{
    private const int Queued = 600;

    [Fact]
    public async Task Writes_queued_when_the_node_stops_are_all_committed()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(kind);
        var marker = Guid.NewGuid().ToString("N");

        var node = new GlintNode(database.Dsn);
        Task[] writes;
        try
        {
            await node.InitializeAsync();
            var writer = node.Services.GetRequiredService<TokenWriter>();
            var now = node.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            writes = [.. Enumerable.Range(0, Queued).Select(_ => writer.WriteAsync(new AuditEvent
            {
                Id = Guid.CreateVersion7(),
                At = now,
                ActorKind = AuditActors.System,
                Action = AuditActions.TokenIssued,
                Target = marker,
            }, cancellationToken))];
        }
        finally
        {
            await node.DisposeAsync();
        }

        // Each queued write is answered, none failed; a write left waiting by the shutdown would never complete, so
        // the bound only turns that hang into a failure.
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);

        await using var restarted = new GlintNode(database.Dsn);
        await restarted.InitializeAsync();
        await using var scope = restarted.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        Assert.Equal(Queued, await db.AuditEvents.CountAsync(row => row.Target == marker, cancellationToken));
    }
}

public sealed class SqliteTokenWriterDrainTests() : TokenWriterDrainTests(DatabaseKind.Sqlite);

public sealed class PostgresTokenWriterDrainTests() : TokenWriterDrainTests(DatabaseKind.Postgres);
