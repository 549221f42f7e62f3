using Glint.Auth.OAuth2;
using Glint.Data;
using Glint.Data.OAuth;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// The token writer's redemption with the rows that depend on it, in one transaction: the rows are stored only with a
/// redemption that won, and a row that cannot be stored takes the redemption down with it, so nothing is half written.
/// </summary>
public abstract class RedemptionWithRowsWriteTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static TokenEntry NewEntry(string subject, string? id = null) => new()
    {
        Id = id ?? Guid.CreateVersion7().ToString(),
        CreationDate = DateTime.UtcNow,
        ExpirationDate = DateTime.UtcNow.AddHours(1),
        Status = "valid",
        Subject = subject,
        Type = "access_token",
    };

    /// <summary>The redemption of entry <paramref name="id"/> as the token manager writes one: guarded by the concurrency token read.</summary>
    private static RedemptionWrite Redemption(GlintDbContext db, string id, string current)
    {
        var tokens = db.Model.FindEntityType(typeof(OAuthToken))!;
        return new RedemptionWrite(
                "UPDATE oauth2_tokens SET \"Status\" = @status, \"ConcurrencyToken\" = @next WHERE \"Id\" = @id AND \"ConcurrencyToken\" = @current",
                "oauth2_tokens/" + id)
            .WonWhen("EXISTS (SELECT 1 FROM oauth2_tokens WHERE \"Id\" = @id AND \"ConcurrencyToken\" = @next)")
            .Bind(tokens, nameof(OAuthToken.Status), "status", "redeemed")
            .Bind(tokens, nameof(OAuthToken.ConcurrencyToken), "next", Guid.NewGuid().ToString())
            .Bind(tokens, nameof(OAuthToken.Id), "id", id)
            .Bind(tokens, nameof(OAuthToken.ConcurrencyToken), "current", current);
    }

    private static Task<List<OAuthToken>> RowsAsync(GlintDbContext db, string subject) =>
        db.OAuthTokens.AsNoTracking().Where(row => row.Subject == subject).ToListAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task Rows_are_stored_with_a_redemption_that_won_and_not_with_one_that_lost()
    {
        var writer = server.Services.GetRequiredService<TokenWriter>();
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var subject = "writer-" + Guid.NewGuid().ToString("N");
        var redeemed = NewEntry(subject);
        await writer.WriteAsync(redeemed, null, TestContext.Current.CancellationToken);
        var winnerRows = new[] { NewEntry(subject), NewEntry(subject) };
        var loserRows = new[] { NewEntry(subject) };

        var won = await writer.RedeemAsync(Redemption(db, redeemed.Id, redeemed.ConcurrencyToken), winnerRows, null, TestContext.Current.CancellationToken);
        var lost = await writer.RedeemAsync(Redemption(db, redeemed.Id, redeemed.ConcurrencyToken), loserRows, null, TestContext.Current.CancellationToken);

        Assert.True(won);
        Assert.False(lost);
        var rows = await RowsAsync(db, subject);
        Assert.Equal(
            new[] { redeemed.Id }.Concat(winnerRows.Select(row => row.Id)).Order(StringComparer.Ordinal),
            rows.Select(row => row.Id).Order(StringComparer.Ordinal));
        Assert.Equal("redeemed", Assert.Single(rows, row => row.Id == redeemed.Id).Status);
        var stored = Assert.Single(rows, row => row.Id == winnerRows[0].Id);
        Assert.Equal(winnerRows[0].ConcurrencyToken, stored.ConcurrencyToken);
        Assert.Equal("valid", stored.Status);
        Assert.Equal(winnerRows[0].ExpirationDate!.Value, stored.ExpirationDate!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Null(stored.RedemptionDate);
    }

    [Fact]
    public async Task A_row_that_cannot_be_stored_undoes_its_redemption_and_the_other_rows()
    {
        var writer = server.Services.GetRequiredService<TokenWriter>();
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var subject = "writer-" + Guid.NewGuid().ToString("N");
        var redeemed = NewEntry(subject);
        var existing = NewEntry(subject);
        await Task.WhenAll(
            writer.WriteAsync(redeemed, null, TestContext.Current.CancellationToken),
            writer.WriteAsync(existing, null, TestContext.Current.CancellationToken));
        // The second row reuses an existing entry's id: its insert fails.
        var rows = new[] { NewEntry(subject), NewEntry(subject, existing.Id) };

        await Assert.ThrowsAnyAsync<Exception>(() =>
            writer.RedeemAsync(Redemption(db, redeemed.Id, redeemed.ConcurrencyToken), rows, null, TestContext.Current.CancellationToken));

        var stored = await RowsAsync(db, subject);
        Assert.Equal(2, stored.Count);
        Assert.DoesNotContain(stored, row => row.Id == rows[0].Id);
        var untouched = Assert.Single(stored, row => row.Id == redeemed.Id);
        Assert.Equal("valid", untouched.Status);
        Assert.Equal(redeemed.ConcurrencyToken, untouched.ConcurrencyToken);

        // The redemption can still be made: nothing of the failed one was kept.
        Assert.True(await writer.RedeemAsync(Redemption(db, redeemed.Id, redeemed.ConcurrencyToken), [rows[0]], null, TestContext.Current.CancellationToken));
    }
}

public sealed class SqliteRedemptionWithRowsWriteTests(SqliteServerFixture server) : RedemptionWithRowsWriteTests<SqliteServerFixture>(server);

public sealed class PostgresRedemptionWithRowsWriteTests(PostgresServerFixture server) : RedemptionWithRowsWriteTests<PostgresServerFixture>(server);
