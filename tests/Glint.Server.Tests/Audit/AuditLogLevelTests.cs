using Glint.Auth.Audit;
using Glint.Data.Audit;
using Glint.Server.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Audit;

/// <summary>
/// Events that happen once per token or per code flow, whose rows are stored before the answer, log at Debug (so the
/// default level writes no line per flow); every other audit event logs at Information.
/// </summary>
public sealed class AuditLogLevelTests : IDisposable
{
    private readonly RecordingLoggerProvider _logs = new();
    private readonly ILoggerFactory _factory;
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();

    public AuditLogLevelTests() => _factory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));

    public void Dispose()
    {
        _factory.Dispose();
        _logs.Dispose();
        _services.Dispose();
    }

    private (LogLevel Level, int EventId) Logged(AuditRecord record)
    {
        using var batch = new AuditBatchWriter(_services.GetRequiredService<IServiceScopeFactory>(), _factory.CreateLogger<AuditBatchWriter>());
        var trail = new AuditTrail(batch, TimeProvider.System, _factory.CreateLogger<AuditTrail>());
        _logs.Records.Clear();
        trail.Enqueue(record);
        var line = Assert.Single(_logs.Records, record => record.Category == typeof(AuditTrail).FullName);
        Assert.Contains(record.Action, line.Message, StringComparison.Ordinal);
        return (line.Level, line.EventId);
    }

    [Fact]
    public void A_login_or_consent_answer_logs_at_debug()
    {
        Assert.Equal((LogLevel.Debug, 4302), Logged(new AuditRecord(AuditActions.ConsentGranted, AuditActors.Subject) { Subject = "s", ClientId = "c", Target = "read" }));
        Assert.Equal((LogLevel.Debug, 4302), Logged(new AuditRecord(AuditActions.AdminCall, AuditActors.Admin) { Target = "PUT /admin/oauth2/auth/requests/login/accept" }));
        Assert.Equal((LogLevel.Debug, 4302), Logged(new AuditRecord(AuditActions.AdminCall, AuditActors.Admin) { Target = "PUT /admin/oauth2/auth/requests/consent/reject" }));
    }

    [Fact]
    public void Other_admin_calls_and_consent_revocations_log_at_information()
    {
        Assert.Equal((LogLevel.Information, 4300), Logged(new AuditRecord(AuditActions.AdminCall, AuditActors.Admin) { Target = "PUT /admin/trust/grants/jwt-bearer/issuers" }));
        Assert.Equal((LogLevel.Information, 4300), Logged(new AuditRecord(AuditActions.ConsentRevoked, AuditActors.Admin) { Subject = "s", ClientId = "c" }));
        Assert.Equal((LogLevel.Information, 4300), Logged(new AuditRecord(AuditActions.ClientCreated, AuditActors.Admin) { ClientId = "c" }));
    }
}
