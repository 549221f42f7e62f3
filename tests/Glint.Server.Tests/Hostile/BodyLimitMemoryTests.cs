using System.Text;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hostile;

/// <summary>
/// Concurrent oversized bodies are refused before they are read: the server runs in this process, so its resident
/// memory (<c>/proc/self/status</c>) must stay within 100 MB of what it was before they arrived.
/// </summary>
[Collection(MemoryMeasured.Name)]
public abstract class BodyLimitMemoryTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const int Concurrent = 16;
    private const long AllowedGrowthKb = 100 * 1024;

    [Fact]
    public async Task SixteenConcurrent25MbBodies_ToTheAdminApiAndTheTokenEndpoint_AreRefusedWithinTheMemoryBound()
    {
        // One body, shared by every request, allocated before the baseline: only the server's memory is measured.
        var json = Encoding.ASCII.GetBytes("{\"client_name\":\"" + new string('x', 25 * 1024 * 1024) + "\"}");
        var form = Encoding.ASCII.GetBytes("grant_type=client_credentials&scope=" + new string('x', 25 * 1024 * 1024));
        await SendAllAsync(json, form, 1);
        var (baseline, peakResets) = ProcessMemory.Baseline();

        var responses = await SendAllAsync(json, form, Concurrent);

        var peak = ProcessMemory.PeakKb(peakResets);
        Assert.All(responses, response =>
        {
            Assert.True(response.Status == 413, response.Describe());
            Assert.Contains("\"error\"", response.Body, StringComparison.Ordinal);
            Assert.DoesNotMatch(HostileScene.Leak(), response.Body);
        });
        Assert.True(peak - baseline < AllowedGrowthKb, $"resident memory grew from {baseline} kB to {peak} kB");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await server.Public.GetAsync("/health/ready")).StatusCode);
    }

    private Task<RawResponse[]> SendAllAsync(byte[] json, byte[] form, int count) =>
        Task.WhenAll(Enumerable.Range(0, count).SelectMany(_ => new[]
        {
            RawHttp.SendAsync(server.AdminPort, "POST", "/admin/clients", "application/json", json),
            RawHttp.SendAsync(server.PublicPort, "POST", "/oauth2/token", "application/x-www-form-urlencoded", form,
                [new("Authorization", "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("someone:secret")))]),
        }));
}

public sealed class SqliteBodyLimitMemoryTests(SqliteServerFixture server) : BodyLimitMemoryTests<SqliteServerFixture>(server);

public sealed class PostgresBodyLimitMemoryTests(PostgresServerFixture server) : BodyLimitMemoryTests<PostgresServerFixture>(server);
