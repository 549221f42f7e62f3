using System.Collections;
using Glint.Callbacks.Delivery;
using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Server.Hosting;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Callbacks;

/// <summary>
/// The end of a delivery's retries, on a node of its own with a short schedule (<c>webhooks.retry_delays</c>): a
/// delivery whose every attempt fails is marked failed once the schedule is spent, and is not claimed again.
/// </summary>
public abstract class CallbackRetryTests(DatabaseKind kind)
{
    [Fact]
    public async Task A_delivery_failing_every_attempt_is_marked_failed_when_the_schedule_is_spent()
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer = _ => 500;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var node = new CallbackNode(database.Dsn, clock, new Dictionary<string, string?> { [ConfigurationKeys.WebhooksRetryDelays] = "5s,2m" });
        await node.InitializeAsync();
        try
        {
            var payer = await node.NewUserAsync(sats: 1_000);
            var payee = await node.NewUserAsync();
            var endpoint = await node.AddAcceptedEndpointAsync(payee.Token, receiver.Url("failing"));
            await node.PayAsync(payer, payee.BtcWalletId, 100);

            var first = await receiver.NextAsync();
            await CallbackCalls.WaitUntilAsync(async () => (await node.DeliveriesAsync(endpoint))[0] is { Attempts: 1, LastStatusCode: 500 } row &&
                row.NextAttemptAt - row.LastAttemptAt < RetrySchedule.ClaimLease);
            clock.Advance(TimeSpan.FromSeconds(6));
            var second = await receiver.NextAsync();
            // The second delay, stretched by at most a tenth (a claim's lease is shorter, so this is the recorded failure).
            await CallbackCalls.WaitUntilAsync(async () => (await node.DeliveriesAsync(endpoint))[0] is { Attempts: 2 } row &&
                row.NextAttemptAt - row.LastAttemptAt >= TimeSpan.FromMinutes(2));
            Assert.True((await node.DeliveriesAsync(endpoint))[0].NextAttemptAt - (await node.DeliveriesAsync(endpoint))[0].LastAttemptAt <= TimeSpan.FromMinutes(2.2));
            clock.Advance(TimeSpan.FromMinutes(2.5));
            var third = await receiver.NextAsync();

            await CallbackCalls.WaitUntilAsync(async () => (await node.DeliveriesAsync(endpoint))[0].Status == CallbackDelivery.Failed);
            var failed = Assert.Single(await node.DeliveriesAsync(endpoint));
            Assert.Equal(3, failed.Attempts);
            Assert.Equal(500, failed.LastStatusCode);
            Assert.Null(failed.NextAttemptAt);
            Assert.Equal([first.Id, first.Id], [second.Id, third.Id]);
        }
        finally
        {
            await node.DisposeAsync();
        }
    }
}

public sealed class SqliteCallbackRetryTests() : CallbackRetryTests(DatabaseKind.Sqlite);

public sealed class PostgresCallbackRetryTests() : CallbackRetryTests(DatabaseKind.Postgres);

/// <summary>The schedule itself: Svix's by default, each delay stretched by at most a tenth, and what the setting accepts.</summary>
public sealed class RetryScheduleTests
{
    [Fact]
    public void Default_IsSvixsSchedule_OfEightAttempts_EachDelayStretchedByAtMostATenth()
    {
        var schedule = new RetrySchedule(RetrySchedule.SvixDelays);
        var failedAt = DateTimeOffset.UnixEpoch;
        TimeSpan[] delays = [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
            TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10)];

        Assert.Equal(8, schedule.MaxAttempts);
        for (var attempts = 1; attempts <= delays.Length; attempts++)
        {
            var delay = schedule.NextAttempt(attempts, failedAt)!.Value - failedAt;
            Assert.InRange(delay, delays[attempts - 1], delays[attempts - 1] * 1.1);
        }

        Assert.Null(schedule.NextAttempt(8, failedAt));
    }

    [Theory]
    [InlineData("5s,soon", "'soon'")]
    [InlineData("0s", "'0s'")]
    [InlineData("5d", "'5d'")]
    public async Task NotADuration_RefusesTheStart_NamingTheSettingAndThePart(string delays, string part)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        var flags = new Dictionary<string, string?>
        {
            [ConfigurationKeys.Dsn] = database.Dsn,
            [ConfigurationKeys.SystemSecret] = GlintServerFixture.Secret,
            [ConfigurationKeys.WebhooksRetryDelays] = delays,
        };

        var refused = await Assert.ThrowsAsync<SettingsException>(() =>
            GlintHost.BuildAsync(GlintConfiguration.Build(flags, new Hashtable(), AppContext.BaseDirectory), TestContext.Current.CancellationToken));

        Assert.Equal($"webhooks.retry_delays: {part} is not a duration such as 5s, 5m or 2h.", refused.Message);
    }
}
