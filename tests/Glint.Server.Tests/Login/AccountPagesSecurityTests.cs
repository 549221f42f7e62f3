using System.Net;
using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Login;

/// <summary>
/// What a browser signed in to the account pages can and cannot do: guessing the TOTP code that turns two-step sign-in
/// off is limited as at sign-in, and a signed-out session's cookie opens nothing any more. Each database has a server
/// of its own here, so the failures counted against 127.0.0.1 are these tests' alone.
/// </summary>
public abstract class AccountPagesSecurityTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : GlintServerFixture
{
    private static async Task<(Page Account, string Email)> SignInAsync(LoginPages pages)
    {
        var email = LoginRules.NewEmail();
        var (login, _) = await pages.GoAsync("/login");
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);
        var (account, _) = await pages.SubmitAsync(code!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);
        Assert.Equal("/account", account!.Path);
        return (account, email);
    }

    private async Task<T> InDbAsync<T>(Func<GlintDbContext, Task<T>> work)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<GlintDbContext>());
    }

    [Fact]
    public async Task Wrong_codes_to_turn_totp_off_count_as_failed_sign_ins_and_lock_it_like_the_sign_in_step()
    {
        using var pages = new LoginPages(server);
        var (_, email) = await SignInAsync(pages);
        var (enrol, _) = await pages.GoAsync("/account/totp");
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(enrol!.Text("totp-secret")));
        var (enabled, _) = await pages.SubmitAsync(enrol, "/account/totp?handler=Enable", [new("Code", totp.ComputeTotp(DateTime.UtcNow))]);
        Assert.Equal("Two-step sign-in is on.", enabled!.Text("notice"));
        var now = DateTime.UtcNow;
        var live = new[] { -30, 0, 30, 60 }.Select(seconds => totp.ComputeTotp(now.AddSeconds(seconds))).ToHashSet();
        var wrong = Enumerable.Range(0, 1000).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(code => !live.Contains(code));

        var (disable, _) = await pages.GoAsync("/account/totp");
        for (var i = 0; i < 6; i++)
        {
            var (refused, _) = await pages.SubmitAsync(disable!, "/account/totp?handler=Disable", [new("Code", wrong)]);
            Assert.StartsWith("That code is not right", refused!.Text("error"), StringComparison.Ordinal);
        }

        // The seventh try is refused before the code is looked at, even the right one.
        var (locked, _) = await pages.SubmitAsync(disable!, "/account/totp?handler=Disable", [new("Code", totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)))]);
        Assert.Equal("Too many attempts. Please wait a while before you try again.", locked!.Text("error"));
        Assert.True(locked.Has("disable-totp"));
        Assert.True(await InDbAsync(db => db.Users.AnyAsync(user => user.Email == email && user.TotpSecret != null)));
        Assert.Equal(6, await InDbAsync(db => db.LoginFailures.CountAsync(failure => failure.Identifier == email)));
    }

    [Fact]
    public async Task After_signing_out_a_copy_of_the_old_account_cookie_opens_nothing()
    {
        using var pages = new LoginPages(server);
        var (account, _) = await SignInAsync(pages);
        using var other = new LoginPages(server);
        await SignInAsync(other);
        var cookie = pages.Browser.Cookies.GetCookies(server.Public.BaseAddress!)["glint_account"]!.Value;

        var (signedOut, _) = await pages.SubmitAsync(account, "/account", [new("Action", "signout")]);
        Assert.Equal("/login", signedOut!.Path);

        using var stolen = new LoginPages(server);
        stolen.Browser.Cookies.Add(server.Public.BaseAddress!, new Cookie("glint_account", cookie));
        foreach (var path in new[] { "/account", "/account/api-keys", "/account/totp" })
        {
            using var response = await stolen.Browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/login", response.Headers.Location!.OriginalString);
        }

        // Only this browser signed out: the user's session in another one goes on.
        var (stillIn, _) = await other.GoAsync("/account");
        Assert.Equal("/account", stillIn!.Path);
    }
}

public sealed class SqliteAccountPagesSecurityTests(SqliteServerFixture server) : AccountPagesSecurityTests<SqliteServerFixture>(server);

public sealed class PostgresAccountPagesSecurityTests(PostgresServerFixture server) : AccountPagesSecurityTests<PostgresServerFixture>(server);
