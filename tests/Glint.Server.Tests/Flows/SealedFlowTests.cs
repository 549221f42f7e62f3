using System.Net;
using Glint.Auth.Flows;
using Glint.Auth.FlowStorage;
using Glint.Data.Secrets;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// Challenges and verifiers carry the flow sealed under the system secret: what this server did not seal (tampered,
/// another secret's, another step's) is unknown, and what it sealed too long ago has expired, with Hydra's errors.
/// </summary>
public abstract class SealedFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    /// <summary>The server's default <c>ttl.login_consent_request</c>.</summary>
    private static readonly TimeSpan FlowLifetime = TimeSpan.FromMinutes(30);

    private static readonly FlowSealer ServerSealer = new(new SystemSecret(GlintServerFixture.Secret));

    [Fact]
    public async Task LoginChallenge_Tampered_IsNotFound()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        using var response = await server.GetLoginRequestAsync(Tampered(challenge));
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not Found", body["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await server.GetLoginRequestAsync(challenge)).StatusCode);
    }

    [Theory]
    [InlineData("login", "unknown")]
    [InlineData("consent", "unknown")]
    [InlineData("login", "not base64!")]
    [InlineData("consent", "AAAA")]
    public async Task Challenge_NotSealedHere_IsNotFound(string kind, string challenge)
    {
        using var response = kind == "login" ? await server.GetLoginRequestAsync(challenge) : await server.GetConsentRequestAsync(challenge);
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not Found", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConsentChallenge_Tampered_IsNotFound()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));

        using var response = await server.Admin.PutAsync(
            $"/admin/oauth2/auth/requests/consent/accept?consent_challenge={Uri.EscapeDataString(Tampered(consentChallenge))}",
            HydraClientCalls.Json(new { grant_scope = new[] { "read" } }));
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not Found", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginChallenge_SealedUnderAnotherSecret_IsNotFound()
    {
        var client = await server.CreateCodeClientAsync();
        var foreign = new FlowSealer(new SystemSecret("another-system-secret-0123456789"));
        var challenge = foreign.Seal(Flow.Start(client.Id, null, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow, Document(client)), FlowPurpose.LoginChallenge);

        using var response = await server.GetLoginRequestAsync(challenge);
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not Found", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginChallenge_SealedAfterManyOtherSecretsSealedOnTheSameThread_OpensHereAndOnTheServer()
    {
        // Each thread keeps a cipher per key, a bounded number: past the bound they are all dropped and made again.
        var client = await server.CreateCodeClientAsync();
        var flow = Flow.Start(client.Id, null, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow, Document(client));
        var before = ServerSealer.Seal(flow, FlowPurpose.LoginChallenge)!;
        for (var i = 0; i < 100; i++)
        {
            var other = new FlowSealer(new SystemSecret($"another-system-secret-{i:D4}-0123456789"));
            Assert.NotNull(other.Unseal(other.Seal(flow, FlowPurpose.LoginChallenge), FlowPurpose.LoginChallenge));
            Assert.Null(other.Unseal(before, FlowPurpose.LoginChallenge));
        }

        var after = ServerSealer.Seal(flow, FlowPurpose.LoginChallenge)!;

        Assert.Equal(flow.Id, ServerSealer.Unseal(before, FlowPurpose.LoginChallenge)?.Id);
        Assert.Equal(client.Id, (await server.LoginRequestAsync(before))["client"]!["client_id"]!.GetValue<string>());
        Assert.Equal(client.Id, (await server.LoginRequestAsync(after))["client"]!["client_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginChallenge_SealedPastTheFlowLifetime_IsRequestUnauthorized()
    {
        var client = await server.CreateCodeClientAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow - FlowLifetime - TimeSpan.FromMinutes(2));
        var expired = ServerSealer.Seal(Flow.Start(client.Id, null, Guid.NewGuid().ToString(), clock.GetUtcNow(), Document(client)), FlowPurpose.LoginChallenge)!;
        clock.Advance(TimeSpan.FromMinutes(4));
        var live = ServerSealer.Seal(Flow.Start(client.Id, null, Guid.NewGuid().ToString(), clock.GetUtcNow(), Document(client)), FlowPurpose.LoginChallenge)!;

        using var get = await server.GetLoginRequestAsync(expired);
        var (status, body) = await StatusAndJsonAsync(get);
        using var accept = await server.Admin.PutAsync(
            $"/admin/oauth2/auth/requests/login/accept?login_challenge={Uri.EscapeDataString(expired)}", HydraClientCalls.Json(new { subject = NewSubject() }));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("request_unauthorized", body["error"]!.GetValue<string>());
        Assert.Contains("The login request has expired", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, accept.StatusCode);
        Assert.Equal(client.Id, (await server.LoginRequestAsync(live))["client"]!["client_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginVerifier_SealedPastTheFlowLifetime_IsRequestUnauthorizedAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow - FlowLifetime - TimeSpan.FromMinutes(2));
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        var flow = Flow.Start(client.Id, null, Guid.NewGuid().ToString(), clock.GetUtcNow(), Document(client));
        flow.AcceptLogin("challenge", new AcceptLoginRequest { Subject = NewSubject() }, clock.GetUtcNow());
        query[AuthorizationFlows.LoginVerifier] = ServerSealer.Seal(flow, FlowPurpose.LoginVerifier);
        using var browser = new BrowserSession(server);

        using var response = await browser.AuthorizeAsync(query);
        var callback = await BrowserSession.ToClientAsync(response);

        Assert.Equal("request_unauthorized", callback.Error);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task LoginAccept_WithAContextTooLargeToCarry_IsBadRequestAndTheChallengeStillWorks()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        // Random text does not compress: sealed, it is far past what a redirect can carry.
        var context = new { blob = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8 * 1024)) };

        using var response = await server.Admin.PutAsync(
            $"/admin/oauth2/auth/requests/login/accept?login_challenge={Uri.EscapeDataString(challenge)}", HydraClientCalls.Json(new { subject = NewSubject(), context }));
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        Assert.Contains("'context'", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
    }

    [Fact]
    public async Task LoginAccept_WithAContextTooLargeToCarryUncompressed_IsCarriedCompressedAndTheFlowGoesOn()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        // Past the limit as JSON, a few bytes once compressed: a value that does not fit stored is compressed, as before.
        var context = new { blob = new string('a', FlowSealer.MaxLength * 2) };

        var redirectTo = await server.AcceptLoginAsync(challenge, new { subject = NewSubject(), context });
        var consentChallenge = await browser.FollowToConsentAsync(redirectTo);

        Assert.Equal(context.blob, (await server.ConsentRequestAsync(consentChallenge))["context"]!["blob"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginVerifier_WithItsEncodingByteChanged_IsAccessDeniedAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var redirectTo = new Uri(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var query = QueryHelpers.ParseQuery(redirectTo.Query).ToDictionary(pair => pair.Key, pair => (string?)pair.Value.ToString());
        // The first byte says whether the sealed JSON is compressed; it is bound into the seal, so the other value fails.
        var blob = System.Buffers.Text.Base64Url.DecodeFromChars(query[AuthorizationFlows.LoginVerifier]);
        blob[0] = (byte)(blob[0] == 1 ? 2 : 1);
        query[AuthorizationFlows.LoginVerifier] = System.Buffers.Text.Base64Url.EncodeToString(blob);

        using var response = await browser.AuthorizeAsync(query);
        var callback = await BrowserSession.ToClientAsync(response);

        Assert.Equal("access_denied", callback.Error);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task LoginVerifier_Tampered_IsAccessDeniedAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var redirectTo = new Uri(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var query = QueryHelpers.ParseQuery(redirectTo.Query).ToDictionary(pair => pair.Key, pair => (string?)pair.Value.ToString());
        query[AuthorizationFlows.LoginVerifier] = Tampered(query[AuthorizationFlows.LoginVerifier]!);

        using var response = await browser.AuthorizeAsync(query);
        var callback = await BrowserSession.ToClientAsync(response);

        Assert.Equal("access_denied", callback.Error);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task LoginChallenge_PassedAsVerifier_IsAccessDeniedAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        var challenge = await browser.StartAsync(query);
        query[AuthorizationFlows.LoginVerifier] = challenge;

        using var response = await browser.AuthorizeAsync(query);
        var callback = await BrowserSession.ToClientAsync(response);

        Assert.Equal("access_denied", callback.Error);
        Assert.Null(callback.Code);
    }

    private static FlowDocument Document(FlowClient client) => new()
    {
        RequestUrl = QueryHelpers.AddQueryString("http://127.0.0.1/oauth2/auth", BrowserSession.Query(client, "read", Pkce.NewVerifier()).Where(pair => pair.Value is not null)),
        RequestedScope = ["read"],
    };

    /// <summary>The sealed value with one character in the middle of its ciphertext changed.</summary>
    private static string Tampered(string sealedValue)
    {
        var chars = sealedValue.ToCharArray();
        var middle = chars.Length / 2;
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}

public sealed class SqliteSealedFlowTests(SqliteServerFixture server) : SealedFlowTests<SqliteServerFixture>(server);

public sealed class PostgresSealedFlowTests(PostgresServerFixture server) : SealedFlowTests<PostgresServerFixture>(server);
