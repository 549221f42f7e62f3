using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Glint.Api.Errors;
using Glint.Auth.SessionTokens;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Login;
using Glint.Wallets.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Blink's account API over first-party session tokens: adding and removing an email, removing a phone, TOTP on and
/// off, notification settings and <c>accountDelete</c>, with the login app's codes, limits and TOTP replay guard, the
/// rule that a user keeps a way to sign in, and every credential dead once the account is deleted. Time is the
/// fixture's fake clock.
/// </summary>
public abstract class AccountApiTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    private const string Me = "email { address verified } phone totpEnabled";

    private FakeTimeProvider Clock => server.Clock;

    [Fact]
    public async Task An_email_is_added_with_the_code_sent_to_it_and_removed_while_a_phone_remains()
    {
        var (_, token) = await PhoneUserAsync();
        var email = LoginRules.NewEmail();

        var initiated = await MutateAsync(token, "userEmailRegistrationInitiate", "UserEmailRegistrationInitiateInput!", new { email },
            $"emailRegistrationId errors {{ code message }} me {{ {Me} }}");
        Assert.Empty(initiated["errors"]!.AsArray());
        Assert.Null(initiated["me"]!["email"]!["address"]);
        var validated = await MutateAsync(token, "userEmailRegistrationValidate", "UserEmailRegistrationValidateInput!",
            new { emailRegistrationId = initiated["emailRegistrationId"].Str(), code = await LastCodeAsync(email) }, $"errors {{ code message }} me {{ {Me} }}");
        Assert.Empty(validated["errors"]!.AsArray());
        Assert.Equal(email, validated["me"]!["email"]!["address"].Str());
        Assert.True(validated["me"]!["email"]!["verified"]!.GetValue<bool>());

        // The new email signs in to the same user.
        var (userId, _) = await EmailUserAsync(email);
        Assert.Equal(userId, await MeIdAsync(token));

        var deleted = await MutateAsync(token, "userEmailDelete", null, null, $"errors {{ code message }} me {{ {Me} }}");
        Assert.Empty(deleted["errors"]!.AsArray());
        Assert.Null(deleted["me"]!["email"]!["address"]);
        Assert.NotNull(deleted["me"]!["phone"]);
    }

    [Fact]
    public async Task The_last_way_to_sign_in_cannot_be_removed()
    {
        var (_, emailOnly) = await EmailUserAsync(LoginRules.NewEmail());
        var refused = await MutateAsync(emailOnly, "userEmailDelete", null, null, $"errors {{ code message }} me {{ {Me} }}");
        Assert.Equal("INVALID_INPUT", SingleCode(refused));
        Assert.Contains("only way to sign in", refused["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
        Assert.Null(refused["me"]);
        var noPhone = await MutateAsync(emailOnly, "userPhoneDelete", null, null, "errors { code message }");
        Assert.Equal("INVALID_INPUT", SingleCode(noPhone));
        Assert.Contains("no phone", noPhone["errors"]![0]!["message"].Str(), StringComparison.Ordinal);

        var (phoneUser, phoneOnly) = await PhoneUserAsync();
        Assert.Equal("INVALID_INPUT", SingleCode(await MutateAsync(phoneOnly, "userPhoneDelete", null, null, "errors { code message }")));
        await using var scope = server.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Users.AsNoTracking().SingleAsync(candidate => candidate.Id == phoneUser);
        Assert.NotNull(user.Phone);
    }

    [Fact]
    public async Task A_phone_is_removed_while_an_email_remains()
    {
        var (userId, token) = await PhoneUserAsync();
        var email = LoginRules.NewEmail();
        await AddEmailAsync(token, email);

        var deleted = await MutateAsync(token, "userPhoneDelete", null, null, $"errors {{ code message }} me {{ {Me} }}");
        Assert.Empty(deleted["errors"]!.AsArray());
        Assert.Null(deleted["me"]!["phone"]);
        Assert.Equal(email, deleted["me"]!["email"]!["address"].Str());
        Assert.Equal("INVALID_INPUT", SingleCode(await MutateAsync(token, "userEmailDelete", null, null, "errors { code message }")));
        Assert.Equal(userId, (await EmailUserAsync(email)).UserId);
    }

    [Fact]
    public async Task A_wrong_or_expired_email_code_is_refused_and_changes_nothing()
    {
        var (_, token) = await PhoneUserAsync();
        var email = LoginRules.NewEmail();
        var id = (await MutateAsync(token, "userEmailRegistrationInitiate", "UserEmailRegistrationInitiateInput!", new { email }, "emailRegistrationId"))["emailRegistrationId"].Str();
        var code = await LastCodeAsync(email);

        var wrong = await ValidateEmailAsync(token, id, LoginRules.Wrong(code));
        Assert.Equal("PHONE_CODE_ERROR", SingleCode(wrong));
        Assert.Equal("Invalid or incorrect code entered.", wrong["errors"]![0]!["message"].Str());

        Clock.Advance(TimeSpan.FromMinutes(16));
        var expired = await ValidateEmailAsync(token, id, code);
        Assert.Equal("CODE_EXPIRED_ERROR", SingleCode(expired));
        Assert.Null(await EmailOfAsync(token));

        // A sign-in code for the address does not add it either: codes are bound to what they were sent for.
        using var sent = await server.Public.PostAsJsonAsync("/auth/email/code", new { email });
        var loginId = JsonNode.Parse(await sent.Content.ReadAsStringAsync())!["result"].Str();
        Assert.Equal("CODE_EXPIRED_ERROR", SingleCode(await ValidateEmailAsync(token, loginId, await LastCodeAsync(email))));
        Assert.Null(await EmailOfAsync(token));
    }

    [Fact]
    public async Task Email_codes_count_against_the_login_limits()
    {
        var (_, token) = await PhoneUserAsync();
        var email = LoginRules.NewEmail();
        for (var sent = 0; sent < 4; sent++)
        {
            Assert.Empty((await InitiateEmailAsync(token, email))["errors"]!.AsArray());
        }

        var refused = await InitiateEmailAsync(token, email);
        Assert.Equal("TOO_MANY_REQUEST", SingleCode(refused));
        Assert.Null(refused["emailRegistrationId"]);

        // Three wrong guesses kill a code: the right one no longer works.
        Clock.Advance(TimeSpan.FromHours(1));
        var id = (await InitiateEmailAsync(token, email))["emailRegistrationId"].Str();
        var code = await LastCodeAsync(email);
        for (var guess = 0; guess < 3; guess++)
        {
            Assert.Equal("PHONE_CODE_ERROR", SingleCode(await ValidateEmailAsync(token, id, LoginRules.Wrong(code))));
        }

        var dead = await ValidateEmailAsync(token, id, code);
        Assert.Equal("PHONE_CODE_ERROR", SingleCode(dead));
        Assert.Contains("too many wrong tries", dead["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
        Assert.Null(await EmailOfAsync(token));
    }

    [Fact]
    public async Task An_email_that_another_user_has_is_refused_once_the_code_proves_it()
    {
        var email = LoginRules.NewEmail();
        await EmailUserAsync(email);
        var (_, token) = await PhoneUserAsync();

        var initiated = await InitiateEmailAsync(token, email);
        Assert.Empty(initiated["errors"]!.AsArray());
        var refused = await ValidateEmailAsync(token, initiated["emailRegistrationId"].Str(), await LastCodeAsync(email));
        Assert.Equal("EMAIL_ACCOUNT_ALREADY_EXISTS_ERROR", SingleCode(refused));
        Assert.Null(await EmailOfAsync(token));

        var (_, withEmail) = await EmailUserAsync(LoginRules.NewEmail());
        Assert.Equal("EMAIL_ALREADY_ATTACHED_ERROR", SingleCode(await InitiateEmailAsync(withEmail, LoginRules.NewEmail())));
        Assert.Equal("INVALID_INPUT", SingleCode(await InitiateEmailAsync(token, "not an email")));
    }

    [Fact]
    public async Task Totp_is_turned_on_with_a_current_code_that_is_then_spent_and_turned_off()
    {
        var email = LoginRules.NewEmail();
        var (_, token) = await EmailUserAsync(email);

        var initiated = await MutateAsync(token, "userTotpRegistrationInitiate", null, null, "errors { code message } totpRegistrationId totpSecret");
        Assert.Empty(initiated["errors"]!.AsArray());
        var secret = OtpNet.Base32Encoding.ToBytes(initiated["totpSecret"].Str());
        var registrationId = initiated["totpRegistrationId"].Str();
        var code = TotpAt(secret, Clock.GetUtcNow());

        Assert.Equal("PHONE_CODE_ERROR", SingleCode(await ValidateTotpAsync(token, registrationId, code == "000000" ? "111111" : "000000")));
        var (_, other) = await EmailUserAsync(LoginRules.NewEmail());
        Assert.Equal("INVALID_INPUT", SingleCode(await ValidateTotpAsync(other, registrationId, code)));

        var validated = await ValidateTotpAsync(token, registrationId, code);
        Assert.Empty(validated["errors"]!.AsArray());
        Assert.True(validated["me"]!["totpEnabled"]!.GetValue<bool>());
        Assert.Equal("INVALID_INPUT", SingleCode(await ValidateTotpAsync(token, registrationId, code)));

        // Signing in now takes the TOTP step, and the code that turned TOTP on is spent (the login app's replay guard).
        using (var sent = await server.Public.PostAsJsonAsync("/auth/email/code", new { email }))
        {
            var attempt = JsonNode.Parse(await sent.Content.ReadAsStringAsync())!["result"].Str();
            using var login = await server.Public.PostAsJsonAsync("/auth/email/login", new { emailLoginId = attempt, code = await LastCodeAsync(email) });
            var pending = JsonNode.Parse(await login.Content.ReadAsStringAsync())!["result"]!;
            Assert.True(pending["totpRequired"]!.GetValue<bool>());
            var pendingToken = pending["authToken"].Str();
            using var replayed = await server.Public.PostAsJsonAsync("/auth/totp/validate", new { authToken = pendingToken, totpCode = code });
            Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
            Clock.Advance(TimeSpan.FromSeconds(30));
            using var next = await server.Public.PostAsJsonAsync("/auth/totp/validate", new { authToken = pendingToken, totpCode = TotpAt(secret, Clock.GetUtcNow()) });
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        var deleted = await MutateAsync(token, "userTotpDelete", null, null, $"errors {{ code message }} me {{ {Me} }}");
        Assert.Empty(deleted["errors"]!.AsArray());
        Assert.False(deleted["me"]!["totpEnabled"]!.GetValue<bool>());
        Assert.Equal("INVALID_INPUT", SingleCode(await MutateAsync(token, "userTotpDelete", null, null, "errors { code message }")));
    }

    [Fact]
    public async Task A_totp_registration_expires()
    {
        var (_, token) = await EmailUserAsync(LoginRules.NewEmail());
        var initiated = await MutateAsync(token, "userTotpRegistrationInitiate", null, null, "totpRegistrationId totpSecret");
        var secret = OtpNet.Base32Encoding.ToBytes(initiated["totpSecret"].Str());

        Clock.Advance(TimeSpan.FromMinutes(11));
        var expired = await ValidateTotpAsync(token, initiated["totpRegistrationId"].Str(), TotpAt(secret, Clock.GetUtcNow()));
        Assert.Equal("INVALID_INPUT", SingleCode(expired));
        Assert.Contains("expired", expired["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notification_settings_are_turned_off_and_on()
    {
        var (_, token) = await EmailUserAsync(LoginRules.NewEmail());
        const string Settings = "errors { code message } account { notificationSettings { push { enabled disabledCategories } } }";

        var off = await MutateAsync(token, "accountDisableNotificationChannel", "AccountDisableNotificationChannelInput!", new { channel = "PUSH" }, Settings);
        Assert.False(off["account"]!["notificationSettings"]!["push"]!["enabled"]!.GetValue<bool>());
        await MutateAsync(token, "accountDisableNotificationCategory", "AccountDisableNotificationCategoryInput!", new { category = "Marketing" }, Settings);
        var two = await MutateAsync(token, "accountDisableNotificationCategory", "AccountDisableNotificationCategoryInput!", new { category = "Price", channel = "PUSH" }, Settings);
        Assert.Equal(["Marketing", "Price"], two["account"]!["notificationSettings"]!["push"]!["disabledCategories"]!.AsArray().Select(category => category.Str()));

        var on = await MutateAsync(token, "accountEnableNotificationCategory", "AccountEnableNotificationCategoryInput!", new { category = "Marketing" }, Settings);
        Assert.Equal(["Price"], on["account"]!["notificationSettings"]!["push"]!["disabledCategories"]!.AsArray().Select(category => category.Str()));
        await MutateAsync(token, "accountEnableNotificationChannel", "AccountEnableNotificationChannelInput!", new { channel = "PUSH" }, Settings);
        var read = (await CallAsync(token, "query { me { defaultAccount { notificationSettings { push { enabled disabledCategories } } } } }"))["data"]!;
        Assert.True(read["me"]!["defaultAccount"]!["notificationSettings"]!["push"]!["enabled"]!.GetValue<bool>());

        var unknown = await MutateAsync(token, "accountDisableNotificationCategory", "AccountDisableNotificationCategoryInput!", new { category = "Gossip" }, Settings);
        Assert.Equal("INVALID_INPUT", SingleCode(unknown));
        Assert.Null(unknown["account"]);
    }

    [Fact]
    public async Task A_contact_the_account_has_paid_gets_an_alias()
    {
        var (userId, token) = await EmailUserAsync(LoginRules.NewEmail());
        var bob = await server.NewUserAsync();
        var stranger = await server.NewUserAsync();
        var wallet = await BtcWalletAsync(userId);
        await server.CreditAsync(wallet, 100);
        var paid = await CallAsync(token, "mutation($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status } }",
            new { input = new { walletId = wallet, recipientWalletId = bob.BtcWalletId, amount = 100 } });
        Assert.Equal("SUCCESS", paid["data"]!["intraLedgerPaymentSend"]!["status"].Str());
        const string Contact = "errors { code message } contact { id username alias transactionsCount }";

        var named = await MutateAsync(token, "userContactUpdateAlias", "UserContactUpdateAliasInput!", new { username = bob.Username, alias = "Bob_from_work" }, Contact);
        Assert.Empty(named["errors"]!.AsArray());
        Assert.Equal("Bob_from_work", named["contact"]!["alias"].Str());
        Assert.Equal(bob.Username, named["contact"]!["username"].Str());
        Assert.Equal(1, named["contact"]!["transactionsCount"]!.GetValue<int>());
        var renamed = await MutateAsync(token, "userContactUpdateAlias", "UserContactUpdateAliasInput!", new { username = bob.Username, alias = "Bob" }, Contact);
        Assert.Equal("Bob", renamed["contact"]!["alias"].Str());

        var unknown = await MutateAsync(token, "userContactUpdateAlias", "UserContactUpdateAliasInput!", new { username = stranger.Username, alias = "Nobody" }, Contact);
        Assert.Equal("NOT_FOUND", SingleCode(unknown));
        Assert.Null(unknown["contact"]);
        using var invalid = await PostAsync(token, "mutation($input: UserContactUpdateAliasInput!) { userContactUpdateAlias(input: $input) { errors { code } } }",
            variables: new { input = new { username = bob.Username, alias = "no spaces!" } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("ContactAlias", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OAuth2_tokens_and_api_keys_are_refused_whatever_their_scopes()
    {
        var (userId, token) = await EmailUserAsync(LoginRules.NewEmail());
        var oauth = await server.AccessTokenAsync(userId, ["read", "write"]);
        var apiKey = (await CallAsync(token, """mutation { apiKeyCreate(input: {name: "k"}) { apiKeySecret } }"""))["data"]!["apiKeyCreate"]!["apiKeySecret"].Str();

        foreach (var (header, value) in (ValueTuple<string, string>[])[("Oauth2-Token", oauth), ("X-API-KEY", apiKey)])
        {
            foreach (var mutation in (string[])["userTotpRegistrationInitiate { errors { code } }", "accountDelete { success }", "userEmailDelete { errors { code } }",
                "accountDisableNotificationChannel(input: {channel: PUSH}) { errors { code } }"])
            {
                var body = await CallAsync(value, "mutation { " + mutation + " }", header: header);
                var error = SingleError(body);
                Assert.Equal("NOT_AUTHORIZED", error["code"].Str());
                Assert.Equal(ApiErrors.FirstPartyOnlyMessage, error["message"].Str());
            }
        }

        Assert.Equal(userId, await MeIdAsync(token));
    }

    [Fact]
    public async Task An_account_with_a_balance_is_not_deleted()
    {
        var (userId, token) = await EmailUserAsync(LoginRules.NewEmail());
        await server.CreditAsync(await BtcWalletAsync(userId), 1_000);

        var refused = await MutateAsync(token, "accountDelete", null, null, "errors { code message } success");
        Assert.False(refused["success"]!.GetValue<bool>());
        Assert.Equal("INVALID_INPUT", SingleCode(refused));
        Assert.Equal(userId, await MeIdAsync(token));
    }

    [Fact]
    public async Task Deleting_an_account_kills_every_credential_on_its_next_use_and_keeps_the_ledger()
    {
        var email = LoginRules.NewEmail();
        var (userId, token) = await EmailUserAsync(email);
        var (_, otherToken) = await EmailUserAsync(LoginRules.NewEmail());
        var wallet = await BtcWalletAsync(userId);
        await server.CreditAsync(wallet, 500);
        var paid = await CallAsync(token, "mutation($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status errors { message } } }",
            new { input = new { walletId = wallet, recipientWalletId = await BtcWalletAsync(await MeIdAsync(otherToken)), amount = 500 } });
        Assert.Equal("SUCCESS", paid["data"]!["intraLedgerPaymentSend"]!["status"].Str());

        // Every kind of credential, each used once so that the caches hold it.
        var client = await server.CreateCodeClientFromBodyAsync(new Dictionary<string, object?>
        {
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["scope"] = "offline read write",
            ["redirect_uris"] = new[] { "http://127.0.0.1:9999/cb" },
            ["token_endpoint_auth_method"] = "client_secret_basic",
        });
        using var browser = new BrowserSession(server);
        var tokens = await server.TokensAsync(client, await browser.RunToCodeAsync(client, userId.ToString(), "offline read write", ["offline", "read", "write"]));
        var access = tokens["access_token"].Str();
        var refresh = tokens["refresh_token"].Str();
        Assert.Equal(HttpStatusCode.OK, await server.MeStatusAsync(access));
        var apiKey = (await CallAsync(token, """mutation { apiKeyCreate(input: {name: "k"}) { apiKeySecret } }"""))["data"]!["apiKeyCreate"]!["apiKeySecret"].Str();
        Assert.Equal(userId, await MeIdAsync(apiKey, "X-API-KEY"));
        var endpoint = await CallAsync(token, """mutation { callbackEndpointAdd(input: {url: "http://127.0.0.1:9/hook"}) { id errors { message } } }""");
        Assert.Empty(endpoint["data"]!["callbackEndpointAdd"]!["errors"]!.AsArray());

        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync("/account");
        Assert.Equal("/login", login!.Path);
        var (codePage, _) = await pages.SubmitAsync(login, "/login", [new("Email", email), new("Action", "next")]);
        var (accountPage, _) = await pages.SubmitAsync(codePage!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);
        Assert.Equal("/account", accountPage!.Path);

        var deleted = await MutateAsync(token, "accountDelete", null, null, "errors { code message } success");
        Assert.Empty(deleted["errors"]!.AsArray());
        Assert.True(deleted["success"]!.GetValue<bool>());

        using (var session = await PostAsync(token, "query { me { id } }"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
        }

        using (var key = await PostAsync(apiKey, "query { me { id } }", "X-API-KEY"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, key.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await server.MeStatusAsync(access));
        Assert.False(await server.IsActiveAsync(refresh));
        using (var refreshed = await server.RefreshAsync(client, refresh))
        {
            await RefreshSteps.AssertInvalidGrantAsync(refreshed);
        }

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            var subject = userId.ToString("D");
            var accountId = await db.Accounts.Where(account => account.UserId == userId).Select(account => account.Id).SingleAsync();
            Assert.False(await db.CallbackEndpoints.AnyAsync(candidate => candidate.AccountId == accountId));
            Assert.False(await db.LoginSessions.AnyAsync(session => session.Subject == subject));
            Assert.False(await db.OAuthAuthorizations.AnyAsync(authorization => authorization.Subject == subject && authorization.Status == "valid"));
            Assert.Equal("closed", await db.Accounts.Where(account => account.Id == accountId).Select(account => account.Status).SingleAsync());
            // The journal keeps the account's entries: the credit and the payment.
            Assert.Equal(2, await db.Postings.CountAsync(posting => posting.WalletId == wallet));
        }

        // The account pages' cookie is refused on its next request too.
        var (afterPage, _) = await pages.GoAsync("/account");
        Assert.Equal("/login", afterPage!.Path);

        using var consents = await server.Admin.GetAsync($"/admin/oauth2/auth/sessions/consent?subject={userId}");
        Assert.Equal("[]", await consents.Content.ReadAsStringAsync());

        // The email is free again: signing in with it makes a new user.
        Assert.NotEqual(userId, (await EmailUserAsync(email)).UserId);
    }

    private static string TotpAt(byte[] secret, DateTimeOffset at) => new OtpNet.Totp(secret).ComputeTotp(at.UtcDateTime);

    private Task<JsonObject> InitiateEmailAsync(string token, string email) =>
        MutateAsync(token, "userEmailRegistrationInitiate", "UserEmailRegistrationInitiateInput!", new { email }, "emailRegistrationId errors { code message }");

    private Task<JsonObject> ValidateEmailAsync(string token, string id, string code) =>
        MutateAsync(token, "userEmailRegistrationValidate", "UserEmailRegistrationValidateInput!", new { emailRegistrationId = id, code }, $"errors {{ code message }} me {{ {Me} }}");

    private Task<JsonObject> ValidateTotpAsync(string token, string id, string code) =>
        MutateAsync(token, "userTotpRegistrationValidate", "UserTotpRegistrationValidateInput!", new { totpRegistrationId = id, totpCode = code }, $"errors {{ code message }} me {{ {Me} }}");

    private async Task AddEmailAsync(string token, string email)
    {
        var id = (await InitiateEmailAsync(token, email))["emailRegistrationId"].Str();
        Assert.Empty((await ValidateEmailAsync(token, id, await LastCodeAsync(email)))["errors"]!.AsArray());
    }

    private async Task<string?> EmailOfAsync(string token) =>
        (await CallAsync(token, "query { me { email { address } } }"))["data"]!["me"]!["email"]!["address"]?.GetValue<string>();

    private async Task<Guid> MeIdAsync(string token, string header = "Authorization") =>
        Guid.Parse((await CallAsync(token, "query { me { id } }", header: header))["data"]!["me"]!["id"].Str());

    private async Task<Guid> BtcWalletAsync(Guid userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        return await db.Wallets.Where(wallet => wallet.Currency == "BTC" && db.Accounts.Any(account => account.Id == wallet.AccountId && account.UserId == userId))
            .Select(wallet => wallet.Id).SingleAsync();
    }

    /// <summary>Calls <paramref name="field"/> (with <c>input</c> of <paramref name="inputType"/> when given) and returns its payload.</summary>
    private async Task<JsonObject> MutateAsync(string token, string field, string? inputType, object? input, string selection)
    {
        var query = inputType is null
            ? $"mutation {{ {field} {{ {selection} }} }}"
            : $"mutation($input: {inputType}) {{ {field}(input: $input) {{ {selection} }} }}";
        var body = await CallAsync(token, query, inputType is null ? null : new { input });
        Assert.True(body["errors"] is null, body.ToJsonString());
        return body["data"]![field]!.AsObject();
    }

    private async Task<JsonObject> CallAsync(string token, string query, object? variables = null, string header = "Authorization")
    {
        using var response = await PostAsync(token, query, header, variables);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"graphql: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<HttpResponseMessage> PostAsync(string token, string query, string header = "Authorization", object? variables = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + token : token);
        return await server.Public.SendAsync(request);
    }

    private static string SingleCode(JsonObject payload)
    {
        var errors = payload["errors"]!.AsArray();
        Assert.True(errors.Count == 1, payload.ToJsonString());
        return errors[0]!["code"].Str();
    }

    /// <summary>A user who signed in with an email code through Blink's REST login; returns the session token.</summary>
    private async Task<(Guid UserId, string Token)> EmailUserAsync(string email)
    {
        using var sent = await server.Public.PostAsJsonAsync("/auth/email/code", new { email });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var attempt = JsonNode.Parse(await sent.Content.ReadAsStringAsync())!["result"].Str();
        using var login = await server.Public.PostAsJsonAsync("/auth/email/login", new { emailLoginId = attempt, code = await LastCodeAsync(email) });
        var result = JsonNode.Parse(await login.Content.ReadAsStringAsync())!["result"]!;
        return (Guid.Parse(result["id"].Str()), result["authToken"].Str());
    }

    /// <summary>
    /// A user whose only way in is a phone, with a session token (phone sign-in itself is built and tested elsewhere):
    /// opened and given a session through the application's own services.
    /// </summary>
    private async Task<(Guid UserId, string Token)> PhoneUserAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var (opened, failure) = await scope.ServiceProvider.GetRequiredService<AccountOpening>().OpenAsync(null, null, null, CancellationToken.None);
        Assert.True(failure is null, failure?.Message);
        var phone = "+1" + Random.Shared.NextInt64(2_000_000_000, 10_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Users.Where(user => user.Id == opened!.UserId)
            .ExecuteUpdateAsync(set => set.SetProperty(user => user.Phone, phone));
        return (opened!.UserId, await scope.ServiceProvider.GetRequiredService<SessionTokenStore>().IssueAsync(opened.UserId, null, CancellationToken.None));
    }

    private async Task<string> LastCodeAsync(string email)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var subject = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox
            .Where(message => message.To == email).OrderByDescending(message => message.Id).Select(message => message.Subject).FirstAsync();
        return subject[^6..];
    }
}

/// <summary>A clocked server that accepts callback endpoints on loopback (the account deletion test adds one), with room for many codes from one address.</summary>
public sealed class SqliteAccountApiServer : SqliteServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => AccountApiSettings.Callbacks;

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class PostgresAccountApiServer : PostgresServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => AccountApiSettings.Callbacks;

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

internal static class AccountApiSettings
{
    public static IReadOnlyDictionary<string, string?> Callbacks { get; } = new Dictionary<string, string?>
    {
        [ConfigurationKeys.WebhooksAllowHttp] = "true",
        [ConfigurationKeys.WebhooksAllowPrivateTargets] = "true",
        // Every test of a class calls from the same loopback address: only the per-email limits are under test.
        [ConfigurationKeys.LoginCodesPerIp] = "1000",
        [ConfigurationKeys.LoginFailuresPerIp] = "1000",
    };
}

public sealed class SqliteAccountApiTests(SqliteAccountApiServer server) : AccountApiTests<SqliteAccountApiServer>(server);

public sealed class PostgresAccountApiTests(PostgresAccountApiServer server) : AccountApiTests<PostgresAccountApiServer>(server);
