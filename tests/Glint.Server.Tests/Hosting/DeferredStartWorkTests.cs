using System.Net;
using Glint.Data;
using Glint.Server.Health;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// What a start leaves until the node is ready: the login pages' key ring is read by the warm-up, not by Data
/// Protection's hosted service before the node listens, and a health probe does not go through OpenIddict.
/// </summary>
public sealed class DeferredStartWorkTests
{
    [Fact]
    public void Data_Protection_reads_its_key_ring_at_start_unless_deferred()
    {
        var services = new ServiceCollection();
        services.AddDataProtection();
        // Found by name: if ASP.NET Core renames its hosted service, this fails rather than the start silently slowing.
        Assert.Single(services, FirstUseWarmUp.IsKeyRingAtStart);

        FirstUseWarmUp.DeferLoginKeyRing(services);

        Assert.DoesNotContain(services, FirstUseWarmUp.IsKeyRingAtStart);
        Assert.Contains(services, descriptor => descriptor.ServiceType == typeof(IDataProtectionProvider));
    }

    [Fact]
    public async Task The_warm_up_reads_the_key_ring_which_the_start_did_not()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = new SqliteServerFixture();
        await server.InitializeAsync();
        Assert.DoesNotContain(server.Services.GetServices<IHostedService>(), service => service.GetType().Name == "DataProtectionHostedService");

        using (var ready = await server.Admin.GetAsync("/health/ready", cancel))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // The ready answer starts the warm-up once its response completes; Begin does nothing more if it has started.
        var warmUp = server.Services.GetRequiredService<FirstUseWarmUp>();
        warmUp.Begin();
        await warmUp.Completed.WaitAsync(cancel);

        // A new SQLite database: reading the ring created its first key, as Data Protection's start used to.
        Assert.Equal(1, await CountKeysAsync(server, cancel));
    }

    [Fact]
    public async Task The_callback_dispatchers_first_pass_waits_until_the_warm_up_has_run()
    {
        var cancel = TestContext.Current.CancellationToken;
        var lifetime = new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>.Instance);
        // Nothing to warm here, so the warm-up fails at once, which opens the gate as its success would.
        var warmUp = new FirstUseWarmUp(new ServiceCollection().BuildServiceProvider(), lifetime,
            new Glint.Auth.AuthSettings { Issuer = new Uri("http://127.0.0.1:4444"), AllowHttp = true },
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FirstUseWarmUp>.Instance);
        var gate = new Glint.Callbacks.Delivery.FirstPassGate(warmUp.Finished.WaitAsync);

        var waiting = gate.WaitAsync(cancel);
        Assert.False(waiting.IsCompleted);

        warmUp.Begin();
        await waiting.WaitAsync(cancel);
        await warmUp.Completed.WaitAsync(cancel);
    }

    [Fact]
    public async Task A_server_holds_its_callback_dispatcher_until_its_warm_up_has_run()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = new SqliteServerFixture();
        await server.InitializeAsync();
        var warmUp = server.Services.GetRequiredService<FirstUseWarmUp>();
        var gate = server.Services.GetRequiredService<Glint.Callbacks.Delivery.FirstPassGate>();

        warmUp.Begin();
        await warmUp.Completed.WaitAsync(cancel);

        await gate.WaitAsync(cancel).WaitAsync(cancel);
        Assert.True(warmUp.Finished.IsCompleted);
    }

    [Theory]
    [InlineData("/health/alive", true)]
    [InlineData("/health/ready", true)]
    [InlineData("/admin/health/alive", true)]
    [InlineData("/admin/health/ready", true)]
    [InlineData("/Health/Ready", true)]
    [InlineData("/health", false)]
    [InlineData("/health/ready/x", false)]
    [InlineData("/healthz", false)]
    [InlineData("/admin/health", false)]
    [InlineData("/oauth2/token", false)]
    [InlineData("/x/health/ready", false)]
    public void A_health_probe_is_told_apart_from_protocol_requests(string path, bool health) =>
        Assert.Equal(health, HealthApi.Serves(new PathString(path)));

    private static async Task<int> CountKeysAsync(GlintServerFixture server, CancellationToken cancellationToken)
    {
        await using var db = Database.Open(DatabaseDsn.Parse(server.Dsn));
        return await db.DataProtectionKeys.CountAsync(cancellationToken);
    }
}
