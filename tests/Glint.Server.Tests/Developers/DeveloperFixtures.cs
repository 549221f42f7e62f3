using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Login;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Developers;

/// <summary>A server whose clock the tests move, for rotation overlaps and the registrations-a-day limit.</summary>
public abstract class DeveloperServerFixture : GlintServerFixture
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class SqliteDeveloperServerFixture : DeveloperServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Sqlite)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public sealed class PostgresDeveloperServerFixture : DeveloperServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Postgres)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

/// <summary>A developer at the portal: a Glint user signed in to the account pages.</summary>
public sealed class Developer(GlintServerFixture server, LoginPages pages, string email, string subject) : IDisposable
{
    public LoginPages Pages { get; } = pages;

    public string Email { get; } = email;

    public string Subject { get; } = subject;

    public static async Task<Developer> SignInAsync(GlintServerFixture server, string? email = null)
    {
        var pages = new LoginPages(server);
        email ??= LoginRules.NewEmail();
        var (login, _) = await pages.GoAsync("/login");
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);
        await pages.SubmitAsync(code!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);
        await using var scope = server.Services.CreateAsyncScope();
        var id = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Users.Where(user => user.Email == email).Select(user => user.Id).SingleAsync();
        return new Developer(server, pages, email, id.ToString("D"));
    }

    /// <summary>Registers an app through the form; returns the app's page (or the form again, with its error).</summary>
    public async Task<Page> RegisterAsync(string redirectUris = "https://app.example.com/callback", string[]? scopes = null,
        string authMethod = "client_secret_basic", string? logo = null, string name = "Tip jar")
    {
        var (form, _) = await Pages.GoAsync("/developers/new");
        Assert.Equal("/developers/new", form!.Path);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Name", name),
            new("Description", "Shows a tip jar; read to show the balance, receive to create invoices."),
            new("RedirectUris", redirectUris),
            new("ContactEmail", Email),
            new("AuthMethod", authMethod),
            new("LogoUrl", logo ?? "https://app.example.com/logo.png"),
        };
        fields.AddRange((scopes ?? ["read", "receive"]).Select(scope => new KeyValuePair<string, string>("Scopes", scope)));
        return await PostAsync(form, "/developers/new", fields);
    }

    /// <summary>
    /// Posts a form with repeated fields (the scopes' checkboxes) and the page's CSRF token, and follows a redirect on
    /// the public port; the page it ends on.
    /// </summary>
    public async Task<Page> PostAsync(Page page, string action, IEnumerable<KeyValuePair<string, string>> fields, bool withCsrf = true)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (withCsrf && page.Hidden("csrf") is { } csrf)
        {
            form.Add(new("csrf", csrf));
        }

        form.AddRange(fields);
        using var content = new FormUrlEncodedContent(form);
        var response = await Pages.Browser.PostAsync(action, content);
        if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther && response.Headers.Location is { } location)
        {
            response.Dispose();
            return (await Pages.GoAsync(location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString)).Page!;
        }

        return new Page(new Uri(server.Public.BaseAddress!, action), response.StatusCode, response, await response.Content.ReadAsStringAsync());
    }

    public static Guid AppId(Page page) => Guid.Parse(page.Path.Split('/')[3]);

    public async Task<Page> AppPageAsync(Guid id) => (await Pages.GoAsync($"/developers/apps/{id:D}")).Page!;

    public void Dispose() => Pages.Dispose();

    /// <summary>Whether <paramref name="secret"/> authenticates the client at the revocation endpoint (HTTP Basic).</summary>
    public static async Task<HttpStatusCode> RevokeWithAsync(GlintServerFixture server, string clientId, string secret, bool basic = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/revoke");
        var form = new Dictionary<string, string> { ["token"] = "not-a-token" };
        if (basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));
        }
        else
        {
            form["client_id"] = clientId;
            form["client_secret"] = secret;
        }

        request.Content = new FormUrlEncodedContent(form);
        using var response = await server.Public.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The token endpoint's error for a made-up code: <c>invalid_grant</c> once the client authenticated, <c>invalid_client</c> before.</summary>
    public static async Task<string?> TokenErrorAsync(GlintServerFixture server, string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = "ory_ac_made-up",
                ["redirect_uri"] = "https://app.example.com/callback",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));
        using var response = await server.Public.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())?["error"]?.GetValue<string>();
    }
}

/// <summary>Calls to <c>/admin/apps</c>.</summary>
public static class AppAdminCalls
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> DecideAsync(this GlintServerFixture server, string id, string decision, object? body = null)
    {
        using var content = new StringContent(body is null ? "{}" : System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await server.Admin.PostAsync($"/admin/apps/{id}/{decision}", content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> GetJsonAsync(this GlintServerFixture server, string path)
    {
        using var response = await server.Admin.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>An access token for the app's client, through the login and consent flow (the admin API accepting both).</summary>
    public static async Task<string> IssueAccessTokenAsync(this GlintServerFixture server, string clientId, string secret, string subject, string scope = "read")
    {
        var client = new FlowClient(clientId, secret, "https://app.example.com/callback");
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, subject, scope, [scope]);
        return (await server.TokensAsync(client, run))["access_token"]!.GetValue<string>();
    }

    public static async Task<string?> LastMailSubjectAsync(this GlintServerFixture server, string email)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox
            .Where(message => message.To == email).OrderByDescending(message => message.Id).Select(message => message.Subject).FirstOrDefaultAsync();
    }
}
