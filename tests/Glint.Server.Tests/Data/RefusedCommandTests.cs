using Glint.Data;
using Glint.Data.Users;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Data;

/// <summary>
/// A command PostgreSQL refuses never leaves its pooled connection unusable. Npgsql prepares a statement on its second
/// run on a connection, in that run's round trip; refused there (a NUL in a text value), it was left recorded as
/// prepared without its result, and the next run of it on that connection failed ("unexpected backend message DataRow")
/// for whichever request drew the connection. Each test keeps one connection of the server's own pool open, so every
/// run is on it and the refused run is the one that prepares. SQLite stores a NUL and prepares nothing of this kind.
/// </summary>
public sealed class RefusedCommandTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task A_refused_insert_leaves_its_connection_serving_the_same_insert()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);

        for (var round = 0; round < 3; round++)
        {
            await InsertAsync(db, "fine");
            var refused = await Assert.ThrowsAsync<DbUpdateException>(() => InsertAsync(db, "a\0b"));
            Assert.Equal(Npgsql.PostgresErrorCodes.CharacterNotInRepertoire, Assert.IsType<Npgsql.PostgresException>(refused.InnerException).SqlState);
            db.ChangeTracker.Clear();
        }

        for (var run = 0; run < 5; run++)
        {
            await InsertAsync(db, "fine");
        }
    }

    [Fact]
    public async Task A_refused_query_leaves_its_connection_serving_the_same_query()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await InsertAsync(db, "fine");

        for (var round = 0; round < 3; round++)
        {
            Assert.NotEmpty(await BodiesOtherThanAsync(db, "x"));
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => BodiesOtherThanAsync(db, "a\0b"));
        }

        for (var run = 0; run < 5; run++)
        {
            Assert.NotEmpty(await BodiesOtherThanAsync(db, "x"));
        }
    }

    private static async Task InsertAsync(GlintDbContext db, string body)
    {
        db.Outbox.Add(new OutboxMessage { To = "refused@example.com", Subject = "refused", Body = body, CreatedAt = DateTimeOffset.UnixEpoch });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    private static Task<List<long>> BodiesOtherThanAsync(GlintDbContext db, string body) =>
        db.Outbox.Where(message => message.Body != body).Select(message => message.Id).ToListAsync(TestContext.Current.CancellationToken);
}
