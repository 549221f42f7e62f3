using System.Collections;
using Glint.Data;
using Glint.Data.Secrets;
using Glint.Login;
using Glint.Login.Codes;
using Glint.Login.Email;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Login;

/// <summary>
/// The login services exactly as the server registers them, over a fixture's database, on a clock the test moves:
/// code lifetimes and rate-limit windows are checked by moving time, never by waiting.
/// </summary>
public sealed class LoginRules(ServiceProvider services, FakeTimeProvider clock) : IAsyncDisposable
{
    public FakeTimeProvider Clock { get; } = clock;

    /// <summary>This instance's client address: limits per address must not leak between tests sharing a database.</summary>
    public string Ip { get; } = $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public static async Task<LoginRules> OpenAsync(GlintServerFixture server, IEmailSender? mail = null, LoginLimits? limits = null)
    {
        var settings = ServerSettings.Read(GlintConfiguration.Build(
            new Dictionary<string, string?> { [ConfigurationKeys.Dsn] = server.Dsn }, new Hashtable(), AppContext.BaseDirectory));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddLogging();
        services.AddDbContext<GlintDbContext>(options => Database.Use(options, settings.Dsn));
        services.AddSingleton(new SystemSecret(GlintServerFixture.Secret));
        services.AddGlintWallet(settings.Price);
        services.AddGlintLogin(new LoginOptions { AdminApi = server.Admin.BaseAddress!, Limits = limits ?? new LoginLimits() });
        if (mail is not null)
        {
            services.AddSingleton(mail);
        }

        return new LoginRules(services.BuildServiceProvider(), clock);
    }

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<T> InDbAsync<T>(Func<GlintDbContext, Task<T>> work) => InScopeAsync(provider => work(provider.GetRequiredService<GlintDbContext>()));

    public Task<LoginOutcome> SendCodeAsync(string email, string? ip = null, string? challenge = null) =>
        InScopeAsync(provider => provider.GetRequiredService<EmailLogin>().SendCodeAsync(email, challenge, ip ?? Ip, CancellationToken.None));

    public Task<LoginOutcome> CheckCodeAsync(string attempt, string code, string? ip = null, string? challenge = null) =>
        InScopeAsync(provider => provider.GetRequiredService<EmailLogin>().CheckCodeAsync(attempt, challenge, code, ip ?? Ip, CancellationToken.None));

    public Task<LoginOutcome> CheckTotpAsync(string attempt, string code, string? ip = null) =>
        InScopeAsync(provider => provider.GetRequiredService<EmailLogin>().CheckTotpAsync(attempt, null, code, ip ?? Ip, CancellationToken.None));

    /// <summary>The code the dev outbox kept for <paramref name="email"/> last.</summary>
    public Task<string> LastCodeAsync(string email) => InDbAsync(async db =>
    {
        var subject = await db.Outbox.Where(message => message.To == email).OrderByDescending(message => message.Id).Select(message => message.Subject).FirstAsync();
        return subject[^6..];
    });

    /// <summary>Sends a code and returns the attempt and the code from the outbox.</summary>
    public async Task<(string Attempt, string Code)> CodeForAsync(string email, string? ip = null)
    {
        var sent = Assert.IsType<LoginOutcome.CodeSent>(await SendCodeAsync(email, ip));
        return (sent.AttemptId, await LastCodeAsync(email));
    }

    public static string Wrong(string code) => code == "000000" ? "111111" : "000000";

    public static string NewEmail() => $"u{Guid.NewGuid():N}"[..13] + "@example.com";

    public ValueTask DisposeAsync() => services.DisposeAsync();
}

/// <summary>An SMTP server that is down: the boundary Glint does not own.</summary>
public sealed class UnreachableMail : IEmailSender
{
    public Task SendAsync(string recipient, string subject, string body, CancellationToken cancellationToken) =>
        throw new EmailDeliveryException("We could not send the email right now. Please try again in a moment.");
}
