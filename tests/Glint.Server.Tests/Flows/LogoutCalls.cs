using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Glint.Server.Tests.Flows;

/// <summary>Clients with logout URIs, a remembered sign-in, and the start of an RP-initiated logout.</summary>
public static class LogoutCalls
{
    public const string RedirectUri = "http://127.0.0.1:9999/cb";
    public const string PostLogoutUri = "http://127.0.0.1:9999/bye";

    public static Task<FlowClient> ClientAsync(GlintServerFixture server, string? backChannel = null, string? frontChannel = null) => server.CreateCodeClientFromBodyAsync(new Dictionary<string, object?>
    {
        ["frontchannel_logout_uri"] = frontChannel ?? "",
        ["frontchannel_logout_session_required"] = frontChannel is not null,
        ["grant_types"] = new[] { "authorization_code", "refresh_token" },
        ["response_types"] = new[] { "code" },
        ["scope"] = "openid offline read",
        ["redirect_uris"] = new[] { RedirectUri },
        ["post_logout_redirect_uris"] = new[] { PostLogoutUri },
        ["backchannel_logout_uri"] = backChannel ?? "",
    });

    /// <summary>Signs <paramref name="subject"/> in with a remembered login and returns the ID token and session id.</summary>
    public static async Task<(string IdToken, string Sid)> SignInAsync(GlintServerFixture server, BrowserSession browser, FlowClient client, string subject)
    {
        var verifier = Pkce.NewVerifier();
        var run = await browser.RunAsync(BrowserSession.Query(client, "openid read", verifier),
            new { subject, remember = true, remember_for = 3600 }, new { grant_scope = new[] { "openid", "read" } }, verifier);
        using var exchange = await server.ExchangeCodeAsync(client, run.Callback.Code!, verifier);
        var tokens = JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!;
        return (tokens["id_token"]!.GetValue<string>(), run.LoginRequest["session_id"]!.GetValue<string>());
    }

    public static async Task<string> StartLogoutAsync(GlintServerFixture server, BrowserSession browser, string query)
    {
        using var response = await browser.GetAsync($"/oauth2/sessions/logout{query}");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/logout", location.GetLeftPart(UriPartial.Path));
        return QueryHelpers.ParseQuery(location.Query)["logout_challenge"].ToString();
    }

    public static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
    }

    /// <summary>A relying party's back-channel logout endpoint on loopback, recording each logout token it receives.</summary>
    public sealed class LogoutReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly int _port;

        public LogoutReceiver()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                _port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
            _listener.Start();
            _ = Task.Run(ReceiveAsync);
        }

        public List<(string Path, string Token)> Received { get; } = [];

        public string Url(string path) => $"http://127.0.0.1:{_port}/{path}";

        private async Task ReceiveAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream);
                var form = QueryHelpers.ParseQuery(await reader.ReadToEndAsync());
                lock (Received)
                {
                    Received.Add((context.Request.Url!.AbsolutePath, form["logout_token"].ToString()));
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}

/// <summary>
/// Without the operator's leave (<c>webhooks.allow_private_targets</c>), a back-channel logout URI on loopback is
/// never posted to, as a callback or a <c>jwks_uri</c> there is never reached, and the user's logout still completes.
/// </summary>
public abstract class BackChannelLogoutTargetTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task BackChannelLogout_ToALoopbackAddress_IsNotSent_AndTheLogoutCompletes()
    {
        using var receiver = new LogoutCalls.LogoutReceiver();
        var client = await LogoutCalls.ClientAsync(server, receiver.Url("internal"));
        using var browser = new BrowserSession(server);
        var (idToken, _) = await LogoutCalls.SignInAsync(server, browser, client, FlowCalls.NewSubject());

        var challenge = await LogoutCalls.StartLogoutAsync(server, browser, $"?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(LogoutCalls.PostLogoutUri)}");
        using var accept = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/logout/accept?logout_challenge={challenge}", null);
        using var done = await browser.GetAsync(JsonNode.Parse(await accept.Content.ReadAsStringAsync())!["redirect_to"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Found, done.StatusCode);
        Assert.Equal(LogoutCalls.PostLogoutUri, done.Headers.Location!.GetLeftPart(UriPartial.Path));
        Assert.Empty(receiver.Received);
    }
}

public sealed class SqliteBackChannelLogoutTargetTests(SqliteServerFixture server) : BackChannelLogoutTargetTests<SqliteServerFixture>(server);

public sealed class PostgresBackChannelLogoutTargetTests(PostgresServerFixture server) : BackChannelLogoutTargetTests<PostgresServerFixture>(server);
