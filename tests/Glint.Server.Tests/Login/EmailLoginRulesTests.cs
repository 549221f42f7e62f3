using System.Text;
using Glint.Data.Users;
using Glint.Login.Codes;
using Glint.Login.Totp;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Login;

/// <summary>The code, rate-limit and TOTP rules of the email login, against each database.</summary>
public abstract class EmailLoginRulesTests<TServer>(TServer server) : IClassFixture<TServer>, IAsyncLifetime
    where TServer : GlintServerFixture
{
    private LoginRules _rules = null!;

    public async ValueTask InitializeAsync() => _rules = await LoginRules.OpenAsync(server);

    public async ValueTask DisposeAsync()
    {
        await _rules.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_first_login_creates_the_user_with_a_verified_email_an_account_and_both_wallets()
    {
        var email = LoginRules.NewEmail();
        var (attempt, code) = await _rules.CodeForAsync(email);

        var loggedIn = Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(attempt, code));

        Assert.Equal(email, loggedIn.User.Email);
        Assert.Equal(["email"], loggedIn.Methods);
        var (user, wallets) = await _rules.InDbAsync(async db => (
            await db.Users.SingleAsync(candidate => candidate.Email == email),
            await db.Wallets.Where(wallet => db.Accounts.Any(account => account.Id == wallet.AccountId && account.UserId == loggedIn.User.Id))
                .Select(wallet => wallet.Currency).OrderBy(currency => currency).ToListAsync()));
        Assert.True(user.EmailVerified);
        Assert.Equal(["BTC", "USD"], wallets);
    }

    [Fact]
    public async Task A_second_login_finds_the_same_user()
    {
        var email = LoginRules.NewEmail();
        var (first, firstCode) = await _rules.CodeForAsync(email);
        var user = Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(first, firstCode)).User;
        var (second, secondCode) = await _rules.CodeForAsync(email);

        Assert.Equal(user.Id, Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(second, secondCode)).User.Id);
        Assert.Equal(1, await _rules.InDbAsync(db => db.Users.CountAsync(candidate => candidate.Email == email)));
    }

    [Fact]
    public async Task The_code_is_stored_only_as_a_hash()
    {
        var email = LoginRules.NewEmail();
        var (attempt, code) = await _rules.CodeForAsync(email);

        var row = await _rules.InDbAsync(db => db.LoginCodes.AsNoTracking().SingleAsync(candidate => candidate.Id == attempt));

        Assert.Equal(32, row.CodeHash.Length);
        Assert.DoesNotContain(code, Encoding.ASCII.GetString(row.CodeHash), StringComparison.Ordinal);
        Assert.DoesNotContain(code, row.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_expires_after_fifteen_minutes()
    {
        var (live, liveCode) = await _rules.CodeForAsync(LoginRules.NewEmail());
        var (dead, deadCode) = await _rules.CodeForAsync(LoginRules.NewEmail());

        _rules.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(live, liveCode));
        _rules.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var refused = Assert.IsType<LoginOutcome.Refused>(await _rules.CheckCodeAsync(dead, deadCode));
        Assert.True(refused.StartOver);
    }

    [Fact]
    public async Task A_code_dies_after_three_wrong_tries_even_for_the_right_code()
    {
        var (attempt, code) = await _rules.CodeForAsync(LoginRules.NewEmail());

        for (var i = 0; i < 3; i++)
        {
            var wrong = Assert.IsType<LoginOutcome.Refused>(await _rules.CheckCodeAsync(attempt, LoginRules.Wrong(code)));
            Assert.False(wrong.StartOver);
        }

        var refused = Assert.IsType<LoginOutcome.Refused>(await _rules.CheckCodeAsync(attempt, code));
        Assert.True(refused.StartOver);
    }

    [Fact]
    public async Task An_attempt_logs_in_once()
    {
        var (attempt, code) = await _rules.CodeForAsync(LoginRules.NewEmail());
        Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(attempt, code));

        Assert.Same(LoginOutcome.Invalid, await _rules.CheckCodeAsync(attempt, code));
    }

    [Fact]
    public async Task An_attempt_answers_only_the_login_request_it_was_started_for()
    {
        var email = LoginRules.NewEmail();
        var sent = Assert.IsType<LoginOutcome.CodeSent>(await _rules.SendCodeAsync(email, challenge: "challenge-a"));
        var code = await _rules.LastCodeAsync(email);

        Assert.Same(LoginOutcome.Invalid, await _rules.CheckCodeAsync(sent.AttemptId, code, challenge: "challenge-b"));
        Assert.Same(LoginOutcome.Invalid, await _rules.CheckCodeAsync(sent.AttemptId, code));
        Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(sent.AttemptId, code, challenge: "challenge-a"));
    }

    [Fact]
    public async Task Six_failures_for_an_email_within_an_hour_block_it_until_they_age_out()
    {
        var email = LoginRules.NewEmail();
        for (var round = 0; round < 2; round++)
        {
            var (attempt, code) = await _rules.CodeForAsync(email);
            for (var i = 0; i < 3; i++)
            {
                await _rules.CheckCodeAsync(attempt, LoginRules.Wrong(code));
            }
        }

        var (blocked, blockedCode) = await _rules.CodeForAsync(email);
        Assert.Same(LoginOutcome.RateLimited, await _rules.CheckCodeAsync(blocked, blockedCode));

        _rules.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var (later, laterCode) = await _rules.CodeForAsync(email);
        Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(later, laterCode));
    }

    [Fact]
    public async Task Twenty_failures_from_one_address_block_it_for_every_email_but_not_other_addresses()
    {
        var ip = _rules.Ip;
        var failures = 0;
        while (failures < 20)
        {
            var (attempt, code) = await _rules.CodeForAsync(LoginRules.NewEmail(), ip);
            for (var i = 0; i < 3 && failures < 20; i++, failures++)
            {
                await _rules.CheckCodeAsync(attempt, LoginRules.Wrong(code), ip);
            }
        }

        var email = LoginRules.NewEmail();
        var (blocked, blockedCode) = await _rules.CodeForAsync(email, ip);
        Assert.Same(LoginOutcome.RateLimited, await _rules.CheckCodeAsync(blocked, blockedCode, ip));
        Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(blocked, blockedCode, "198.51.100.8"));
    }

    [Fact]
    public async Task Four_codes_per_email_per_hour()
    {
        var email = LoginRules.NewEmail();
        for (var i = 0; i < 4; i++)
        {
            Assert.IsType<LoginOutcome.CodeSent>(await _rules.SendCodeAsync(email));
        }

        var refused = Assert.IsType<LoginOutcome.Refused>(await _rules.SendCodeAsync(email));
        Assert.Contains("Too many codes", refused.Message, StringComparison.Ordinal);
        Assert.Equal(4, await _rules.InDbAsync(db => db.Outbox.CountAsync(message => message.To == email)));

        _rules.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.IsType<LoginOutcome.CodeSent>(await _rules.SendCodeAsync(email));
    }

    [Fact]
    public async Task A_failed_delivery_leaves_no_code_and_no_user_behind()
    {
        await using var rules = await LoginRules.OpenAsync(server, new UnreachableMail());
        var email = LoginRules.NewEmail();

        var refused = Assert.IsType<LoginOutcome.Refused>(await rules.SendCodeAsync(email));

        Assert.Contains("could not send", refused.Message, StringComparison.Ordinal);
        Assert.False(await rules.InDbAsync(db => db.LoginCodes.AnyAsync(code => code.Email == email)));
        Assert.False(await rules.InDbAsync(db => db.Users.AnyAsync(user => user.Email == email)));
    }

    [Fact]
    public async Task A_locked_user_cannot_log_in()
    {
        var email = LoginRules.NewEmail();
        var (first, firstCode) = await _rules.CodeForAsync(email);
        var userId = Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(first, firstCode)).User.Id;
        await _rules.InDbAsync(db => db.Users.Where(user => user.Id == userId).ExecuteUpdateAsync(set => set.SetProperty(user => user.Status, UserStatus.Locked)));

        var (attempt, code) = await _rules.CodeForAsync(email);

        Assert.Contains("locked", Assert.IsType<LoginOutcome.Refused>(await _rules.CheckCodeAsync(attempt, code)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_with_totp_must_pass_it_after_the_email_code_and_a_code_works_once()
    {
        var email = LoginRules.NewEmail();
        var (first, firstCode) = await _rules.CodeForAsync(email);
        var userId = Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(first, firstCode)).User.Id;
        var secret = TotpAuthenticator.NewSecret();
        await EnableTotpAsync(userId, secret);
        _rules.Clock.Advance(TimeSpan.FromSeconds(30));

        var (attempt, code) = await _rules.CodeForAsync(email);
        var pending = Assert.IsType<LoginOutcome.TotpRequired>(await _rules.CheckCodeAsync(attempt, code));
        var current = new OtpNet.Totp(secret).ComputeTotp(_rules.Clock.GetUtcNow().UtcDateTime);
        Assert.IsType<LoginOutcome.Refused>(await _rules.CheckTotpAsync(pending.AttemptId, current == "000000" ? "111111" : "000000"));
        var loggedIn = Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckTotpAsync(pending.AttemptId, current));
        Assert.Equal(["email", "totp"], loggedIn.Methods);

        var (again, againCode) = await _rules.CodeForAsync(email);
        var second = Assert.IsType<LoginOutcome.TotpRequired>(await _rules.CheckCodeAsync(again, againCode));
        Assert.IsType<LoginOutcome.Refused>(await _rules.CheckTotpAsync(second.AttemptId, current));
    }

    [Fact]
    public async Task The_totp_secret_is_sealed_at_rest()
    {
        var email = LoginRules.NewEmail();
        var (attempt, code) = await _rules.CodeForAsync(email);
        var userId = Assert.IsType<LoginOutcome.LoggedIn>(await _rules.CheckCodeAsync(attempt, code)).User.Id;
        var secret = TotpAuthenticator.NewSecret();
        await EnableTotpAsync(userId, secret);

        var stored = await _rules.InDbAsync(db => db.Users.Where(user => user.Id == userId).Select(user => user.TotpSecret).SingleAsync());

        Assert.NotNull(stored);
        Assert.True(stored.Length > secret.Length);
        Assert.DoesNotContain(Convert.ToHexString(secret), Convert.ToHexString(stored), StringComparison.Ordinal);
    }

    private Task<int> EnableTotpAsync(Guid userId, byte[] secret) => _rules.InScopeAsync(async provider =>
    {
        var db = provider.GetRequiredService<Glint.Data.GlintDbContext>();
        var user = await db.Users.SingleAsync(candidate => candidate.Id == userId);
        var totp = provider.GetRequiredService<TotpAuthenticator>();
        var step = totp.Match(secret, new OtpNet.Totp(secret).ComputeTotp(_rules.Clock.GetUtcNow().UtcDateTime));
        totp.Enable(user, secret, step!.Value);
        return await db.SaveChangesAsync();
    });
}

public sealed class SqliteEmailLoginRulesTests(SqliteServerFixture server) : EmailLoginRulesTests<SqliteServerFixture>(server);

public sealed class PostgresEmailLoginRulesTests(PostgresServerFixture server) : EmailLoginRulesTests<PostgresServerFixture>(server);
