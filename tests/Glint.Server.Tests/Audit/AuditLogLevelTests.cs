using Glint.Auth.Audit;
using Glint.Server.Hosting;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Audit;

/// <summary>A server whose log records, at every level, the tests read.</summary>
public sealed class LoggedSqliteServerFixture : SqliteServerFixture
{
    public RecordingLoggerProvider Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.LogLevel] = "Debug" };

    protected override void ReplaceServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

/// <summary>
/// Events that happen once per token or per code flow, whose rows are stored before the answer, log at Debug (so the
/// default level writes no line per flow); every other audit event logs at Information.
/// </summary>
public sealed class AuditLogLevelTests(LoggedSqliteServerFixture server) : IClassFixture<LoggedSqliteServerFixture>
{
    private (LogLevel Level, int EventId)[] Logged(string action, string? target = null) =>
        [.. server.Logs.Records
            .Where(record => record.Category == typeof(AuditTrail).FullName
                && record.Message.Contains($"Audit {action}:", StringComparison.Ordinal)
                && (target is null || record.Message.Contains(target, StringComparison.Ordinal)))
            .Select(record => (record.Level, record.EventId))];

    [Fact]
    public async Task A_flows_login_and_consent_answers_log_at_debug_and_the_clients_creation_at_information()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        await browser.RunToCodeAsync(client, FlowCalls.NewSubject(), "read", ["read"]);

        Assert.Equal([(LogLevel.Debug, 4302)], Logged("admin.call", "PUT /admin/oauth2/auth/requests/login/accept"));
        Assert.Equal([(LogLevel.Debug, 4302)], Logged("consent.granted", client.Id));
        Assert.Contains((LogLevel.Information, 4300), Logged("client.created", client.Id));
    }

    [Fact]
    public async Task Other_admin_calls_log_at_information()
    {
        var subject = FlowCalls.NewSubject();
        using (var logout = await server.Admin.DeleteAsync($"/admin/oauth2/auth/sessions/login?subject={subject}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, logout.StatusCode);
        }

        var id = (await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read" }))["client_id"]!.GetValue<string>();
        using (var delete = await server.Admin.DeleteAsync($"/admin/clients/{id}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal([(LogLevel.Information, 4300)], Logged("admin.call", $"DELETE /admin/oauth2/auth/sessions/login"));
        Assert.Equal([(LogLevel.Information, 4300)], Logged("client.deleted", id));
    }
}
