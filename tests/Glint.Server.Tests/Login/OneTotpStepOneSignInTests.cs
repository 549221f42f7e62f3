using System.Globalization;
using System.Text.RegularExpressions;
using Glint.Data;
using Glint.Login.Codes;
using Glint.Login.Totp;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Login;

/// <summary>
/// One TOTP code finishes one sign-in, also when one user finishes two at once: one begun by email and one by text
/// message, from two devices, which share no address and so no lock of the sign-in limits.
/// </summary>
public abstract partial class OneTotpStepOneSignInTests<TServer>(TServer server) : IClassFixture<TServer>, IAsyncLifetime
    where TServer : GlintServerFixture
{
    protected LoginRules Rules { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Rules = await LoginRules.OpenAsync(server);

    public async ValueTask DisposeAsync()
    {
        await Rules.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Two_second_steps_at_once_with_one_code_sign_in_once()
    {
        var pending = await TwoPendingSignInsAsync();

        var outcomes = await Task.WhenAll(pending.Attempts.Select(attempt => Task.Run(() => Rules.CheckTotpAsync(attempt.Id, pending.Code, attempt.Ip))));

        Assert.Single(outcomes.OfType<LoginOutcome.LoggedIn>());
        Assert.Single(outcomes.OfType<LoginOutcome.Refused>());
    }

    /// <summary>
    /// A user with an email, a phone and TOTP, a sign-in begun by each from its own address and waiting for the TOTP
    /// step, and the authenticator's current code, unused.
    /// </summary>
    protected async Task<PendingSignIns> TwoPendingSignInsAsync()
    {
        var email = LoginRules.NewEmail();
        var phone = "+3361" + Random.Shared.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
        var (first, firstCode) = await Rules.CodeForAsync(email);
        var userId = Assert.IsType<LoginOutcome.LoggedIn>(await Rules.CheckCodeAsync(first, firstCode)).User.Id;
        var secret = TotpAuthenticator.NewSecret();
        await Rules.InScopeAsync(async provider =>
        {
            var db = provider.GetRequiredService<GlintDbContext>();
            var user = await db.Users.SingleAsync(candidate => candidate.Id == userId);
            var totp = provider.GetRequiredService<TotpAuthenticator>();
            user.Phone = phone;
            totp.Enable(user, secret, totp.Match(secret, new OtpNet.Totp(secret).ComputeTotp(Rules.Clock.GetUtcNow().UtcDateTime))!.Value);
            return await db.SaveChangesAsync();
        });
        Rules.Clock.Advance(TimeSpan.FromSeconds(30));

        var attempts = new List<(string Id, string Ip)>();
        foreach (var (address, ip) in new[] { (email, "192.0.2.10"), (phone, "198.51.100.20") })
        {
            var sent = Assert.IsType<LoginOutcome.CodeSent>(await Rules.SendCodeAsync(address, ip));
            // A text message starts with its code; an email's subject ends with it.
            var code = SixDigits().Match(await Rules.InDbAsync(db =>
                db.Outbox.Where(message => message.To == address).OrderByDescending(message => message.Id).Select(message => message.Subject).FirstAsync())).Value;
            var pending = Assert.IsType<LoginOutcome.TotpRequired>(await Rules.CheckCodeAsync(sent.AttemptId, code, ip));
            attempts.Add((pending.AttemptId, ip));
        }

        return new PendingSignIns(userId, attempts, new OtpNet.Totp(secret).ComputeTotp(Rules.Clock.GetUtcNow().UtcDateTime));
    }

    protected sealed record PendingSignIns(Guid UserId, IReadOnlyList<(string Id, string Ip)> Attempts, string Code);

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex SixDigits();
}

public sealed class SqliteOneTotpStepOneSignInTests(SqliteServerFixture server) : OneTotpStepOneSignInTests<SqliteServerFixture>(server);

/// <summary>
/// On PostgreSQL the race is also held open: the test's own uncommitted write to the user makes both second steps wait
/// to write the spent step, after both checked the code; when it rolls back, only one of them may sign in.
/// </summary>
public sealed class PostgresOneTotpStepOneSignInTests(PostgresServerFixture server) : OneTotpStepOneSignInTests<PostgresServerFixture>(server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_second_steps_that_both_checked_the_code_before_either_spent_it_sign_in_once()
    {
        var pending = await TwoPendingSignInsAsync();

        LoginOutcome[] outcomes;
        await using (var holder = await Rules.InScopeAsync(provider => Task.FromResult(provider.CreateAsyncScope())))
        {
            var db = holder.ServiceProvider.GetRequiredService<GlintDbContext>();
            await using var held = await db.Database.BeginTransactionAsync();
            await db.Users.Where(user => user.Id == pending.UserId).ExecuteUpdateAsync(set => set.SetProperty(user => user.Language, user => user.Language));

            var checks = pending.Attempts.Select(attempt => Task.Run(() => Rules.CheckTotpAsync(attempt.Id, pending.Code, attempt.Ip))).ToList();
            await UntilAsync(async () => await Rules.InDbAsync(WaitingToSpendAStepAsync) == 2);
            await held.RollbackAsync();
            outcomes = await Task.WhenAll(checks);
        }

        Assert.Single(outcomes.OfType<LoginOutcome.LoggedIn>());
        Assert.Single(outcomes.OfType<LoginOutcome.Refused>());
    }

    /// <summary>How many backends of the test's database wait on a lock to write a user's spent TOTP step.</summary>
    private static async Task<int> WaitingToSpendAStepAsync(GlintDbContext db) =>
        await db.Database.SqlQuery<int>(
            $"SELECT COUNT(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%TotpLastStep%'").SingleAsync();

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
