using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Hosting;
using Glint.Server.Tests.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Login;

/// <summary>
/// An SMS provider with Twilio's Messages API on loopback: it keeps every request it gets and answers with
/// <see cref="Answer"/> (201 and a message resource unless a test says otherwise).
/// </summary>
public sealed class FakeSmsProvider : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "provider-auth-token-never-logged";

    private WebApplication? _app;

    public ConcurrentQueue<(string Path, string? Authorization, Dictionary<string, string> Form)> Requests { get; } = new();

    public (int Status, string Body) Answer { get; set; } = (201, """{"sid":"SM0123","status":"queued"}""");

    public Uri Url { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            Requests.Enqueue((http.Request.Path, http.Request.Headers.Authorization.ToString(), form.ToDictionary(pair => pair.Key, pair => pair.Value.ToString())));
            var (status, body) = Answer;
            return Results.Text(body, "application/json", Encoding.UTF8, status);
        });
        await _app.StartAsync();
        Url = new Uri(_app.Urls.First() + "/2010-04-01");
    }

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [ConfigurationKeys.SmsUrl] = Url.AbsoluteUri,
        [ConfigurationKeys.SmsAccountSid] = AccountSid,
        [ConfigurationKeys.SmsAuthToken] = AuthToken,
        [ConfigurationKeys.SmsFrom] = "+15005550006",
    };

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>A server whose SMS provider is a <see cref="FakeSmsProvider"/>, with every log record kept.</summary>
public sealed class SqliteSmsProviderServer : SqliteServerFixture
{
    public FakeSmsProvider Provider { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => Provider.Settings;

    /// <summary>The provider must listen before the server reads its URL.</summary>
    protected override async Task<string> CreateDatabaseAsync()
    {
        await Provider.StartAsync();
        return await base.CreateDatabaseAsync();
    }

    protected override void ReplaceServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    protected override async Task DropDatabaseAsync()
    {
        await base.DropDatabaseAsync();
        await Provider.DisposeAsync();
        Logs.Dispose();
    }
}

/// <summary>The HTTP SMS sender: what it posts to the provider, and what users and the log see when the provider fails.</summary>
public sealed class SmsProviderTests(SqliteSmsProviderServer server) : IClassFixture<SqliteSmsProviderServer>
{
    private static string NewPhone() => "+3361" + Random.Shared.Next(0, 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, object body)
    {
        using var response = await server.Public.PostAsJsonAsync(path, body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private (string Path, string? Authorization, Dictionary<string, string> Form) RequestTo(string phone) =>
        server.Provider.Requests.Last(request => request.Form.GetValueOrDefault("To") == phone);

    [Fact]
    public async Task A_code_is_posted_in_Twilios_shape_and_signs_the_user_in()
    {
        server.Provider.Answer = (201, """{"sid":"SM0123","status":"queued"}""");
        var phone = NewPhone();
        var (status, body) = await PostAsync("/auth/phone/code", new { phone });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());

        var (path, authorization, form) = RequestTo(phone);
        Assert.Equal($"/2010-04-01/Accounts/{FakeSmsProvider.AccountSid}/Messages.json", path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeSmsProvider.AccountSid}:{FakeSmsProvider.AuthToken}")), authorization);
        Assert.Equal("+15005550006", form["From"]);
        Assert.False(form.ContainsKey("MessagingServiceSid"));
        var code = form["Body"][..6];
        Assert.Matches("^[0-9]{6}$", code);

        var (loginStatus, login) = await PostAsync("/auth/phone/login", new { phone, code });
        Assert.True(loginStatus == HttpStatusCode.OK, login.ToJsonString());
        Assert.StartsWith("glint_st_", login["authToken"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, """{"code":21211,"message":"The 'To' number is not a valid phone number. Body: CODE","status":400}""", "21211")]
    [InlineData(401, """{"code":20003,"message":"Authenticate","status":401}""", "20003")]
    [InlineData(503, "<html>down for maintenance</html>", "none")]
    public async Task A_provider_error_gets_a_plain_refusal_and_logs_nothing_secret(int providerStatus, string providerBody, string providerCode)
    {
        server.Provider.Answer = (providerStatus, providerBody);
        var phone = NewPhone();
        var (status, body) = await PostAsync("/auth/phone/code", new { phone });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("We could not send the text message right now. Please try again in a moment.", body["error"]!.GetValue<string>());
        var code = RequestTo(phone).Form["Body"][..6];
        var logged = server.Logs.Records.Where(record => record.Category.Contains("Sms", StringComparison.Ordinal)).Select(record => record.Message).ToList();
        Assert.Contains(logged, message => message.Contains($"HTTP {providerStatus}, provider error code {providerCode}", StringComparison.Ordinal));
        Assert.All(server.Logs.Records, record =>
        {
            Assert.DoesNotContain(FakeSmsProvider.AuthToken, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeSmsProvider.AccountSid}:{FakeSmsProvider.AuthToken}")), record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(code, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Body: CODE", record.Message, StringComparison.Ordinal);
        });

        // The undelivered code left nothing behind: it is not a code to sign in with, nor one against the number's limit.
        var (loginStatus, _) = await PostAsync("/auth/phone/login", new { phone, code });
        Assert.Equal(HttpStatusCode.BadRequest, loginStatus);
    }

    [Fact]
    public async Task A_provider_error_is_Blinks_phone_provider_error_in_GraphQL()
    {
        // A user who signed in by email, so has no number yet; the email went to the dev outbox.
        var email = LoginRules.NewEmail();
        var (_, sent) = await PostAsync("/auth/email/code", new { email });
        string subject;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            subject = await scope.ServiceProvider.GetRequiredService<Glint.Data.GlintDbContext>().Outbox
                .Where(message => message.To == email).Select(message => message.Subject).SingleAsync();
        }

        var (_, emailLogin) = await PostAsync("/auth/email/login", new { emailLoginId = sent["result"]!.GetValue<string>(), code = subject[^6..] });
        var login = emailLogin["result"]!.AsObject();

        server.Provider.Answer = (500, "{}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = JsonContent.Create(new { query = $"mutation {{ userPhoneRegistrationInitiate(input: {{phone: \"{NewPhone()}\"}}) {{ success errors {{ code message }} }} }}" }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + login["authToken"]!.GetValue<string>());
        using var response = await server.Public.SendAsync(request);
        var payload = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["userPhoneRegistrationInitiate"]!;
        Assert.False(payload["success"]!.GetValue<bool>());
        Assert.Equal("PHONE_PROVIDER_ERROR", payload["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("We could not send the text message right now. Please try again in a moment.", payload["errors"]![0]!["message"]!.GetValue<string>());
    }
}
