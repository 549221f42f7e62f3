using System.Net;
using Glint.Data;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Login;

/// <summary>The built-in login, consent and account pages, driven over HTTP as a browser without JavaScript would.</summary>
public abstract class LoginPagesTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : GlintServerFixture
{
    private static string Authorize(FlowClient client, string scope, string? verifier = null) =>
        QueryHelpers.AddQueryString("/oauth2/auth", BrowserSession.Query(client, scope, verifier).Where(pair => pair.Value is not null));

    [Fact]
    public async Task A_new_user_signs_in_consents_and_the_app_gets_tokens_with_exactly_the_ticked_scopes()
    {
        var client = await server.CreateCodeClientAsync("openid offline read write receive email");
        using var pages = new LoginPages(server);
        var verifier = Pkce.NewVerifier();

        var consent = await pages.LoginAsync(Authorize(client, "openid offline read write email", verifier), LoginRules.NewEmail());
        Assert.Equal("/consent", consent.Path);
        foreach (var scope in (string[])["openid", "offline", "read", "write", "email"])
        {
            Assert.Matches($"<input[^>]* checked [^>]*data-testid=\"scope-{scope}\"", consent.Html);
        }

        Assert.Contains("See your account, balances and transaction history", consent.Html, StringComparison.Ordinal);
        var (_, callback) = await pages.DecideConsentAsync(consent, "allow", ["openid", "read", "email"]);

        Assert.NotNull(callback?.Code);
        Assert.Equal("openid read email", callback.Scope);
        using var response = await server.ExchangeCodeAsync(client, callback.Code, verifier);
        var tokens = await FlowCalls.OkJsonAsync(response, "code exchange");
        Assert.Equal("openid read email", tokens["scope"]!.GetValue<string>());
        Assert.Null(tokens["refresh_token"]);
        var idToken = FlowCalls.JwtPayload(tokens["id_token"]!.GetValue<string>());
        Assert.True(Guid.TryParse(idToken["sub"]!.GetValue<string>(), out _));
        Assert.EndsWith("@example.com", idToken["email"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["email"], FlowCalls.Strings(idToken["amr"]));
    }

    [Fact]
    public async Task Deny_sends_the_user_back_with_access_denied()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var consent = await pages.LoginAsync(Authorize(client, "openid read"), LoginRules.NewEmail());

        var (_, callback) = await pages.DecideConsentAsync(consent, "deny", ["openid", "read"]);

        Assert.Equal("access_denied", callback?.Error);
    }

    [Fact]
    public async Task Allowing_with_nothing_ticked_is_a_denial_not_an_empty_grant()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var consent = await pages.LoginAsync(Authorize(client, "openid read"), LoginRules.NewEmail());

        var (_, callback) = await pages.DecideConsentAsync(consent, "allow", []);

        Assert.Equal("access_denied", callback?.Error);
        Assert.Null(callback?.Code);
    }

    [Fact]
    public async Task A_scope_the_app_did_not_request_cannot_be_granted_through_the_form()
    {
        var client = await server.CreateCodeClientAsync("openid read write");
        using var pages = new LoginPages(server);
        var consent = await pages.LoginAsync(Authorize(client, "openid read"), LoginRules.NewEmail());

        var (_, callback) = await pages.DecideConsentAsync(consent, "allow", ["openid", "read", "write"]);

        Assert.Equal("openid read", callback?.Scope);
    }

    [Fact]
    public async Task Cancel_on_the_login_page_rejects_the_login()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync(Authorize(client, "openid read"));

        var (_, callback) = await pages.SubmitAsync(login!, "/login", [new("Action", "cancel")]);

        Assert.Equal("access_denied", callback?.Error);
    }

    [Fact]
    public async Task Remember_me_and_a_remembered_consent_take_the_user_straight_back_to_the_app()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var consent = await pages.LoginAsync(Authorize(client, "openid read"), LoginRules.NewEmail(), remember: true);
        var (_, first) = await pages.DecideConsentAsync(consent, "allow", ["openid", "read"], remember: true);
        Assert.NotNull(first?.Code);

        var (page, second) = await pages.GoAsync(Authorize(client, "openid read"));

        Assert.Null(page);
        Assert.NotNull(second?.Code);
        Assert.Equal("openid read", second.Scope);
    }

    [Fact]
    public async Task Without_remember_me_the_next_request_asks_to_sign_in_again()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var consent = await pages.LoginAsync(Authorize(client, "openid read"), LoginRules.NewEmail());
        await pages.DecideConsentAsync(consent, "allow", ["openid", "read"]);

        var (page, _) = await pages.GoAsync(Authorize(client, "openid read"));

        Assert.Equal("/login", page?.Path);
    }

    [Fact]
    public async Task A_skip_consent_client_gets_the_requested_scopes_without_a_consent_page()
    {
        var client = await server.CreateCodeClientAsync(skipConsent: true);
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync(Authorize(client, "openid read write"));
        var email = LoginRules.NewEmail();
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);

        var (page, callback) = await pages.SubmitAsync(code!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);

        Assert.Null(page);
        Assert.Equal("openid read write", callback?.Scope);
    }

    [Fact]
    public async Task A_wrong_code_is_refused_with_a_message_and_the_form_stays()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync(Authorize(client, "openid read"));
        var email = LoginRules.NewEmail();
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);

        var (again, _) = await pages.SubmitAsync(code!, "/login/code", [new("Code", LoginRules.Wrong(await pages.LastCodeAsync(email)))]);

        Assert.Equal(HttpStatusCode.OK, again!.Status);
        Assert.Equal("That code is not right. Check the email and try again.", again.Text("error"));
        Assert.True(again.Has("code"));
    }

    [Fact]
    public async Task An_invalid_email_gets_a_clear_message_and_no_code()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync(Authorize(client, "openid read"));

        var (page, _) = await pages.SubmitAsync(login!, "/login", [new("Email", "not-an-email"), new("Action", "next")]);

        Assert.Equal("/login", page!.Path);
        Assert.StartsWith("Enter a valid email address", page.Text("error"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Addresses <see cref="System.Net.Mail.MailAddress"/> takes but a mail server cannot be sent to (a local part
    /// ending in a dot, control characters in a quoted one): once SMTP was configured, sending the code failed with a 500.
    /// </summary>
    [Theory]
    [InlineData("{0}.@example.com")]
    [InlineData("\"{0}\u0001\"@example.com")]
    [InlineData("\"{0}\u007F\"@example.com")]
    [InlineData("{0}\u0085@example.com")]
    public async Task An_email_that_cannot_be_mailed_gets_the_invalid_email_message_and_no_code(string pattern)
    {
        var email = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, Guid.NewGuid().ToString("N"));
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync("/login");

        var (page, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);

        Assert.Equal("/login", page!.Path);
        Assert.StartsWith("Enter a valid email address", page.Text("error"), StringComparison.Ordinal);
        var lowerCased = email.ToLowerInvariant();
        await using var scope = server.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox.AnyAsync(message => message.To == lowerCased));
    }

    [Fact]
    public async Task A_form_without_its_csrf_token_is_refused()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync(Authorize(client, "openid read"));

        var (page, callback) = await pages.SubmitAsync(login!, "/login", [new("Action", "cancel")], withCsrf: false);

        Assert.Null(callback);
        Assert.Equal(HttpStatusCode.BadRequest, page!.Status);
    }

    [Fact]
    public async Task The_pages_refuse_framing_and_send_no_referrer()
    {
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync("/login");

        Assert.Equal("DENY", login!.Response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", login.Response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", login.Response.Headers.GetValues("Referrer-Policy").Single());
        var cookies = login.Response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, cookie => cookie.StartsWith("glint_csrf=", StringComparison.Ordinal) && cookie.Contains("httponly", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/device")]
    [InlineData("/consent?consent_challenge=unknown")]
    public async Task A_HEAD_on_a_page_gets_the_GETs_status_and_its_framing_caching_and_referrer_headers(string path)
    {
        using var pages = new LoginPages(server);
        using var get = await pages.Browser.GetAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Head, path);
        using var head = await pages.Browser.SendAsync(request);

        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        foreach (var header in (string[])["X-Frame-Options", "Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Cache-Control"])
        {
            Assert.Equal(get.Headers.GetValues(header), head.Headers.GetValues(header));
        }

        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
    }

    [Fact]
    public async Task A_HEAD_on_a_login_the_session_would_skip_does_not_accept_it()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var consent = await pages.LoginAsync(Authorize(client, "openid read"), LoginRules.NewEmail(), remember: true);
        await pages.DecideConsentAsync(consent, "allow", ["openid", "read"], remember: true);
        using var authorized = await pages.Browser.GetAsync(Authorize(client, "openid read"));
        var login = authorized.Headers.Location!.PathAndQuery;
        Assert.StartsWith("/login?login_challenge=", login, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Head, login);
        using var head = await pages.Browser.SendAsync(request);

        // GET would accept the login at once, and redirect with its verifier; a HEAD (a link checker, a prefetch) must not.
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Null(head.Headers.Location);
        var (page, callback) = await pages.GoAsync(login);
        Assert.Null(page);
        Assert.NotNull(callback?.Code);
    }

    [Fact]
    public async Task A_HEAD_on_a_consent_the_client_skips_does_not_grant_it()
    {
        var client = await server.CreateCodeClientAsync(skipConsent: true);
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync(Authorize(client, "openid read"));
        var email = LoginRules.NewEmail();
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);
        using var accepted = await pages.Browser.PostFormAsync("/login/code", new Dictionary<string, string?>
        {
            ["csrf"] = code!.Hidden("csrf"),
            ["login_challenge"] = code.Hidden("login_challenge"),
            ["Attempt"] = code.Hidden("Attempt"),
            ["Remember"] = code.Hidden("Remember"),
            ["Code"] = await pages.LastCodeAsync(email),
        });
        using var verified = await pages.Browser.GetAsync(accepted.Headers.Location!.PathAndQuery);
        var consent = verified.Headers.Location!.PathAndQuery;
        Assert.StartsWith("/consent?consent_challenge=", consent, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Head, consent);
        using var head = await pages.Browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Null(head.Headers.Location);
        var (page, callback) = await pages.GoAsync(consent);
        Assert.Null(page);
        Assert.Equal("openid read", callback?.Scope);
    }

    [Fact]
    public async Task Hostile_client_metadata_is_rendered_inert()
    {
        var client = await server.CreateCodeClientFromBodyAsync(new Dictionary<string, object?>
        {
            ["client_name"] = "<script>alert('name')</script>",
            ["logo_uri"] = "https://example.com/logo.png?\"><script>alert('logo')</script>",
            ["client_uri"] = "https://example.com/\"onmouseover=\"alert(1)",
            ["policy_uri"] = "https://example.com/policy",
            ["grant_types"] = new[] { "authorization_code" },
            ["response_types"] = new[] { "code" },
            ["scope"] = "openid read <b>bold</b>",
            ["redirect_uris"] = new[] { "http://127.0.0.1:9999/cb" },
        });
        using var pages = new LoginPages(server);

        var consent = await pages.LoginAsync(Authorize(client, "openid read"), LoginRules.NewEmail());

        Assert.DoesNotContain("<script>", consent.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"onmouseover", consent.Html, StringComparison.Ordinal);
        Assert.Equal("<script>alert('name')</script>", consent.Text("consent-client"));
        Assert.Contains("&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;", consent.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_or_unknown_challenge_shows_an_error_page_not_a_server_error()
    {
        using var pages = new LoginPages(server);

        var (page, _) = await pages.GoAsync("/consent?consent_challenge=unknown");

        Assert.Equal("/error", page!.Path);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("expired or is no longer valid", page.Text("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_account_page_lists_the_connected_app_and_revoking_it_kills_its_tokens()
    {
        var client = await server.CreateCodeClientAsync();
        using var pages = new LoginPages(server);
        var verifier = Pkce.NewVerifier();
        var consent = await pages.LoginAsync(Authorize(client, "openid offline read", verifier), LoginRules.NewEmail());
        var (_, callback) = await pages.DecideConsentAsync(consent, "allow", ["openid", "offline", "read"]);
        using var exchanged = await server.ExchangeCodeAsync(client, callback!.Code!, verifier);
        var tokens = await FlowCalls.OkJsonAsync(exchanged, "code exchange");
        var accessToken = tokens["access_token"]!.GetValue<string>();
        Assert.True(await server.IsActiveAsync(accessToken));

        var (account, _) = await pages.GoAsync("/account");
        Assert.Equal("/account", account!.Path);
        Assert.True(account.Has("app"));
        var (after, _) = await pages.SubmitAsync(account, "/account", [new("ClientId", client.Id), new("Action", "revoke")]);

        Assert.Equal("The app was disconnected. Its access has ended.", after!.Text("notice"));
        Assert.True(after.Has("no-apps"));
        Assert.False(await server.IsActiveAsync(accessToken));
        Assert.False(await server.IsActiveAsync(tokens["refresh_token"]!.GetValue<string>()));
        using var refreshed = await server.RefreshAsync(client, tokens["refresh_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
    }

    [Fact]
    public async Task A_user_signs_in_to_the_account_pages_turns_on_totp_and_the_next_app_sign_in_asks_for_it()
    {
        using var pages = new LoginPages(server);
        var email = LoginRules.NewEmail();
        var (login, _) = await pages.GoAsync("/login");
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);
        var (account, _) = await pages.SubmitAsync(code!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);
        Assert.Equal("/account", account!.Path);
        Assert.Equal(email, account.Text("account-email"));

        var (enrol, _) = await pages.GoAsync("/account/totp");
        var secret = OtpNet.Base32Encoding.ToBytes(enrol!.Text("totp-secret"));
        var totp = new OtpNet.Totp(secret);
        var (wrong, _) = await pages.SubmitAsync(enrol, "/account/totp?handler=Enable", [new("Code", "12345")]);
        Assert.NotNull(wrong!.Text("error"));
        var (enabled, _) = await pages.SubmitAsync(wrong, "/account/totp?handler=Enable", [new("Code", totp.ComputeTotp(DateTime.UtcNow))]);
        Assert.Equal("Two-step sign-in is on.", enabled!.Text("notice"));

        var client = await server.CreateCodeClientAsync();
        using var app = new LoginPages(server);
        var (appLogin, _) = await app.GoAsync(Authorize(client, "openid read"));
        var (appCode, _) = await app.SubmitAsync(appLogin!, "/login", [new("Email", email), new("Action", "next")]);
        var (second, _) = await app.SubmitAsync(appCode!, "/login/code", [new("Code", await app.LastCodeAsync(email))]);
        Assert.Equal("/login/totp", second!.Path);
        // The step used to turn TOTP on is spent; the next one (within the allowed drift) is new.
        var (consent, _) = await app.SubmitAsync(second, "/login/totp", [new("Code", totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)))]);
        Assert.Equal("/consent", consent!.Path);
    }

    [Fact]
    public async Task A_user_creates_an_api_key_on_the_account_pages_uses_it_and_revokes_it()
    {
        using var pages = new LoginPages(server);
        var email = LoginRules.NewEmail();
        var (login, _) = await pages.GoAsync("/login");
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);
        await pages.SubmitAsync(code!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);
        var (keys, _) = await pages.GoAsync("/account/api-keys");
        Assert.True(keys!.Has("no-api-keys"));

        var (none, _) = await pages.SubmitAsync(keys, "/account/api-keys?handler=Create", [new("Name", "till")]);
        Assert.Equal("At least one scope is required.", none!.Text("error"));
        var (bell, _) = await pages.SubmitAsync(keys, "/account/api-keys?handler=Create", [new("Name", "till\u0007"), new("Scopes", "read")]);
        Assert.Equal("Give the key a name of 1 to 100 characters, without control characters.", bell!.Text("error"));
        foreach (var days in new[] { "abc", "99999999999", "7" })
        {
            // A number that does not bind must not quietly become a key that never expires.
            var (unread, _) = await pages.SubmitAsync(keys, "/account/api-keys?handler=Create", [new("Name", "till"), new("Scopes", "read"), new("ExpireInDays", days)]);
            Assert.Equal("Choose when the key expires.", unread!.Text("error"));
        }
        var (created, _) = await pages.SubmitAsync(keys, "/account/api-keys?handler=Create", [new("Name", "till"), new("Scopes", "read")]);
        var secret = created!.Text("api-key-secret")!;
        Assert.Matches("^glint_[A-Za-z0-9]{64}$", secret);

        var scopes = await server.ApiKeyGraphQLAsync(secret, "query { authorization { scopes } }");
        Assert.Equal(["READ"], scopes["data"]!["authorization"]!["scopes"]!.AsArray().Select(scope => scope!.GetValue<string>()));
        var keyId = created.Hidden("KeyId")!;
        var (listed, _) = await pages.SubmitAsync(created, "/account/api-keys?handler=Revoke", [new("KeyId", keyId)]);
        Assert.Contains("Revoked", listed!.Html, StringComparison.Ordinal);
        using var refused = await server.PostGraphQLWithAsync("X-API-KEY", secret, "query { me { id } }");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task The_account_page_needs_a_signed_in_user()
    {
        using var pages = new LoginPages(server);

        var (page, _) = await pages.GoAsync("/account");

        Assert.Equal("/login", page!.Path);
        Assert.False(page.Has("remember"));
    }
}

public sealed class SqliteLoginPagesTests(SqliteServerFixture server) : LoginPagesTests<SqliteServerFixture>(server);

public sealed class PostgresLoginPagesTests(PostgresServerFixture server) : LoginPagesTests<PostgresServerFixture>(server);
