using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Data.Users;
using Glint.Login.Codes;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Login;

/// <summary>
/// A one-time code signs in once, however many requests redeem it at once, also on a user's first sign-in, when the
/// requests race to open the account too.
/// </summary>
public abstract class OneCodeOneSignInTests<TServer>(TServer server) : ProxiedLoginTests<TServer>(server)
    where TServer : GlintServerFixture
{
    private const int Burst = 12;

    [Fact]
    public async Task Concurrent_redemptions_of_one_code_for_a_new_email_sign_in_once()
    {
        for (var round = 0; round < 4; round++)
        {
            var email = LoginRules.NewEmail();
            using var sent = await PostAsync("/auth/email/code", new { email });
            var attempt = (await sent.Content.ReadFromJsonAsync<JsonObject>())!["result"]!.GetValue<string>();
            var code = await Rules.LastCodeAsync(email);

            using var start = new SemaphoreSlim(0);
            var logins = Enumerable.Range(0, Burst).Select(async _ =>
            {
                await start.WaitAsync();
                using var response = await PostAsync("/auth/email/login", new { emailLoginId = attempt, code });
                return response.StatusCode;
            }).ToList();
            start.Release(Burst);
            var statuses = await Task.WhenAll(logins);

            Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.OK));
            Assert.All(statuses, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"unexpected {status}"));
            Assert.Equal(1, await Rules.InDbAsync(db => db.SessionTokens.CountAsync(session => db.Users.Any(user => user.Id == session.UserId && user.Email == email))));
        }
    }
}

public sealed class SqliteOneCodeOneSignInTests(SqliteProxiedLoginServer server) : OneCodeOneSignInTests<SqliteProxiedLoginServer>(server);

public sealed class PostgresOneCodeOneSignInTests(PostgresProxiedLoginServer server) : OneCodeOneSignInTests<PostgresProxiedLoginServer>(server);

/// <summary>
/// The first-sign-in race held open on PostgreSQL: the test's own uncommitted user with the address makes both checks'
/// account openings wait on the unique index, after both checked the code; when it rolls back, one opens the account
/// and the other loses the insert. Only one of them may sign in.
/// </summary>
public sealed class PostgresFirstSignInRaceTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("email")]
    [InlineData("phone")]
    public async Task Two_checks_of_one_code_racing_to_open_the_account_sign_in_once(string by)
    {
        await using var rules = await LoginRules.OpenAsync(server);
        var address = by == "email" ? LoginRules.NewEmail() : "+3361" + Random.Shared.Next(0, 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
        var attempt = Assert.IsType<LoginOutcome.CodeSent>(await rules.SendCodeAsync(address)).AttemptId;
        // A text message starts with its code; an email's subject ends with it.
        var code = System.Text.RegularExpressions.Regex.Match(
            await rules.InDbAsync(db => db.Outbox.Where(message => message.To == address).Select(message => message.Subject).SingleAsync()), "[0-9]{6}").Value;

        List<Task<LoginOutcome>> checks;
        await using (var holder = await rules.InScopeAsync(provider => Task.FromResult(provider.CreateAsyncScope())))
        {
            var db = holder.ServiceProvider.GetRequiredService<GlintDbContext>();
            await using var held = await db.Database.BeginTransactionAsync();
            db.Users.Add(new User
            {
                Id = Guid.NewGuid(),
                Email = by == "email" ? address : null,
                Phone = by == "phone" ? address : null,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();

            checks = [.. Enumerable.Range(0, 2).Select(_ => Task.Run(() => rules.CheckCodeAsync(attempt, code)))];
            await UntilAsync(async () => await rules.InDbAsync(WaitingOnAnotherTransactionAsync) == 2);
            await held.RollbackAsync();
        }

        var outcomes = await Task.WhenAll(checks);

        Assert.Single(outcomes.OfType<LoginOutcome.LoggedIn>());
        Assert.Single(outcomes, outcome => ReferenceEquals(outcome, LoginOutcome.Invalid));
        Assert.Equal(1, await rules.InDbAsync(db => db.Users.CountAsync(user => user.Email == address || user.Phone == address)));
    }

    /// <summary>
    /// How many backends of the test's database wait for another transaction to end (here: on the unique index). Asked
    /// outside the held transaction, whose view of the backends stays as it was at its first look.
    /// </summary>
    private static async Task<int> WaitingOnAnotherTransactionAsync(GlintDbContext db) =>
        await db.Database.SqlQuery<int>(
            $"SELECT COUNT(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'transactionid'").SingleAsync();

    /// <summary>Waits for a condition the test cannot be told of, checking it between short pauses.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true.");
            await Task.Delay(10);
        }
    }
}
