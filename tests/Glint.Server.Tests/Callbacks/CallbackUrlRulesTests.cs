using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Callbacks;

/// <summary>
/// With the defaults (no plain http, no private targets), URLs that could reach the server's own network are refused,
/// when added and again at delivery, against the address connected to.
/// </summary>
public abstract class CallbackUrlRulesTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [InlineData("http://example.com/hook", "https")]
    [InlineData("ftp://example.com/hook", "absolute https URL")]
    [InlineData("/relative/hook", "absolute https URL")]
    [InlineData("https://127.0.0.1/hook", "loopback, private")]
    [InlineData("https://localhost:8443/hook", "loopback, private")]
    [InlineData("https://[::1]/hook", "loopback, private")]
    [InlineData("https://10.1.2.3/hook", "loopback, private")]
    [InlineData("https://192.168.0.10/hook", "loopback, private")]
    [InlineData("https://172.20.0.1/hook", "loopback, private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "loopback, private")]
    [InlineData("https://[fe80::1]/hook", "loopback, private")]
    [InlineData("https://[::ffff:127.0.0.1]/hook", "loopback, private")]
    [InlineData("https://[::127.0.0.1]/hook", "loopback, private")] // IPv4-compatible
    [InlineData("https://[::ffff:0:7f00:1]/hook", "loopback, private")] // IPv4-translated
    [InlineData("https://[2002:7f00:1::]/hook", "loopback, private")] // 6to4 around 127.0.0.1
    [InlineData("https://[2002:a00:1::]/hook", "loopback, private")] // 6to4 around 10.0.0.1
    [InlineData("https://[64:ff9b:1::a00:1]/hook", "loopback, private")] // local-use NAT64
    [InlineData("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", "loopback, private")] // Teredo
    [InlineData("https://0.0.0.0/hook", "loopback, private")]
    [InlineData("https://user:pass@example.com/hook", "user name or password")]
    [InlineData("https://93.184.215.14/ho\tok", "control characters")]
    [InlineData("https://93.184.215.14:0/hook", "port from 1 to 65535")]
    public async Task A_url_breaking_a_rule_is_refused_with_a_clear_error(string url, string rule)
    {
        var user = await server.NewUserAsync();

        var refused = await server.AddEndpointAsync(user.Token, url);

        Assert.Null(refused["id"]);
        var error = Assert.Single(refused["errors"]!.AsArray())!;
        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.StartsWith("url", error["message"].Str(), StringComparison.Ordinal);
        Assert.Contains(rule, error["message"].Str(), StringComparison.Ordinal);
        Assert.Empty(await server.EndpointsAsync(user.Token));
    }

    [Fact]
    public async Task A_url_longer_than_2048_characters_is_refused()
    {
        var user = await server.NewUserAsync();

        var refused = await server.AddEndpointAsync(user.Token, "https://93.184.215.14/" + new string('a', 2048));

        Assert.Contains("at most 2048 characters", Assert.Single(refused["errors"]!.AsArray())!["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_https_url_is_accepted()
    {
        var user = await server.NewUserAsync();

        // An address literal, so the test does not depend on DNS.
        var id = await server.AddAcceptedEndpointAsync(user.Token, "https://93.184.215.14/hook");

        Assert.Equal(id.ToString("D"), Assert.Single(await server.EndpointsAsync(user.Token)).Id);
    }

    [Fact]
    public async Task An_endpoint_whose_host_now_leads_to_this_machine_is_never_called()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var payer = await server.NewUserAsync(sats: 1_000);
        var payee = await server.NewUserAsync();
        var endpoint = await server.AddAcceptedEndpointAsync(payee.Token, "https://93.184.215.14/hook");
        // What a changed DNS answer does: the stored endpoint now leads to a service on the server's own machine.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GlintDbContext>().CallbackEndpoints.Where(row => row.Id == endpoint)
                .ExecuteUpdateAsync(set => set.SetProperty(row => row.Url, receiver.Url("rebound").Replace("127.0.0.1", "localhost", StringComparison.Ordinal)));
        }

        Assert.Equal("SUCCESS", (await server.PayAsync(payer, payee.BtcWalletId, 100))["status"].Str());

        // The attempt is recorded as failed without an answer, and retried later; the receiver never heard of it.
        await CallbackCalls.WaitUntilAsync(async () => await server.DeliveriesAsync(endpoint) is [{ Attempts: 1, Status: CallbackDelivery.Pending } delivery] &&
            delivery.NextAttemptAt - delivery.LastAttemptAt < TimeSpan.FromSeconds(30));
        Assert.Null((await server.DeliveriesAsync(endpoint))[0].LastStatusCode);
        Assert.Equal(0, receiver.Count);
    }
}

public sealed class SqliteCallbackUrlRulesTests(SqliteServerFixture server) : CallbackUrlRulesTests<SqliteServerFixture>(server);

public sealed class PostgresCallbackUrlRulesTests(PostgresServerFixture server) : CallbackUrlRulesTests<PostgresServerFixture>(server);
