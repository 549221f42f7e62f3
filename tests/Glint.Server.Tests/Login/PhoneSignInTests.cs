using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Data;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Login;

/// <summary>
/// Phone sign-in over Blink's REST routes (<c>/auth/phone/code</c>, <c>/auth/phone/login</c>) and its GraphQL phone
/// mutations, with codes read from the dev outbox. Every test starts past every limit window on the server's clock,
/// since all requests come from the same loopback address.
/// </summary>
public abstract partial class PhoneSignInTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : GlintServerFixture, IClockedServer
{
    private const string LoginUser = "mutation($input: UserLoginInput!) { userLogin(input: $input) { authToken totpRequired errors { code message } } }";
    private const string Initiate = "mutation($input: UserPhoneRegistrationInitiateInput!) { userPhoneRegistrationInitiate(input: $input) { success errors { code message } } }";
    private const string Validate = "mutation($input: UserPhoneRegistrationValidateInput!) { userPhoneRegistrationValidate(input: $input) { me { id phone } errors { code message } } }";
    private const string Upgrade = "mutation($input: UserLoginUpgradeInput!) { userLoginUpgrade(input: $input) { success authToken errors { code message } } }";

    /// <summary>A French mobile number no other test uses, as a person might type it, and in E.164.</summary>
    private static (string Typed, string E164) NewPhone()
    {
        // 61 and 7 more digits: a French mobile range every number of which is valid.
        var digits = "1" + Random.Shared.Next(0, 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
        return ($"+33 6 {digits[..2]} {digits[2..4]} {digits[4..6]} {digits[6..]}", "+336" + digits);
    }

    private void PastEveryLimitWindow() => server.Clock.Advance(TimeSpan.FromHours(7));

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, object body)
    {
        using var response = await server.Public.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    private async Task<string> LastCodeAsync(string phone)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var message = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox
            .Where(kept => kept.To == phone).OrderByDescending(kept => kept.Id).FirstAsync();
        Assert.StartsWith("SMS: ", message.Subject, StringComparison.Ordinal);
        return SixDigits().Match(message.Body).Value;
    }

    private async Task<string> SendCodeAsync(string typed, string phone)
    {
        // Time passes between two codes, as it does for real: the newest code is the one a check takes.
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var (status, body) = await PostAsync("/auth/phone/code", new { phone = typed, channel = "SMS" });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.True(body["success"]!.GetValue<bool>());
        return await LastCodeAsync(phone);
    }

    private async Task<JsonObject> MeAsync(string token)
    {
        using var response = await server.PostGraphQLWithAsync("Authorization", "Bearer " + token, "query { me { id phone email { address } } }");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["me"]!.AsObject();
    }

    private async Task<JsonObject> SessionGraphQLAsync(string? token, string query, object input)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables = new { input } }) };
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        using var response = await server.Public.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<string> EmailSessionAsync(string? email = null)
    {
        email ??= LoginRules.NewEmail();
        var (_, sent) = await PostAsync("/auth/email/code", new { email });
        await using var scope = server.Services.CreateAsyncScope();
        var subject = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox
            .Where(message => message.To == email).OrderByDescending(message => message.Id).Select(message => message.Subject).FirstAsync();
        var (status, login) = await PostAsync("/auth/email/login", new { emailLoginId = sent["result"].Str(), code = subject[^6..] });
        Assert.Equal(HttpStatusCode.OK, status);
        return login["result"]!["authToken"].Str();
    }

    private static JsonObject Payload(JsonObject body, string field)
    {
        Assert.True(body["errors"] is null, body.ToJsonString());
        return body["data"]![field]!.AsObject();
    }

    private static string? ErrorCode(JsonObject payload) => payload["errors"]!.AsArray() is [var first, ..] ? first!["code"]?.GetValue<string>() : null;

    [Fact]
    public async Task A_new_number_opens_an_account_and_signs_in_to_it_again_over_REST()
    {
        PastEveryLimitWindow();
        var (typed, phone) = NewPhone();

        var (status, first) = await PostAsync("/auth/phone/login", new { phone = typed, code = await SendCodeAsync(typed, phone) });
        Assert.True(status == HttpStatusCode.OK, first.ToJsonString());
        Assert.StartsWith("glint_st_", first["authToken"].Str(), StringComparison.Ordinal);
        Assert.False(first["totpRequired"]!.GetValue<bool>());
        var me = await MeAsync(first["authToken"].Str());
        Assert.Equal(first["id"].Str(), me["id"].Str());
        Assert.Equal(phone, me["phone"].Str());

        var (_, again) = await PostAsync("/auth/phone/login", new { phone, code = await SendCodeAsync(phone, phone) });
        Assert.Equal(first["id"].Str(), again["id"].Str());
        await using var scope = server.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Users.CountAsync(user => user.Phone == phone));
    }

    [Fact]
    public async Task Wrong_expired_and_spent_codes_are_refused_over_REST()
    {
        PastEveryLimitWindow();
        var (typed, phone) = NewPhone();
        var code = await SendCodeAsync(typed, phone);

        var (wrong, wrongBody) = await PostAsync("/auth/phone/login", new { phone, code = LoginRules.Wrong(code) });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal("invalid code", wrongBody["error"].Str());

        server.Clock.Advance(TimeSpan.FromMinutes(16));
        var (expired, expiredBody) = await PostAsync("/auth/phone/login", new { phone, code });
        Assert.Equal(HttpStatusCode.BadRequest, expired);
        Assert.Contains("request a new code", expiredBody["error"].Str(), StringComparison.Ordinal);

        var fresh = await SendCodeAsync(typed, phone);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/auth/phone/login", new { phone, code = fresh })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/auth/phone/login", new { phone, code = fresh })).Status);
    }

    [Theory]
    [InlineData("6505554350")]
    [InlineData("+1 000 000 0000")]
    [InlineData("+33 6 12")]
    [InlineData("+33 6 12 34 56 78 90 12 34")]
    [InlineData("not a number")]
    public async Task Invalid_numbers_are_refused_everywhere(string phone)
    {
        Assert.Equal((HttpStatusCode.BadRequest, "invalid phone"), await ErrorOfAsync("/auth/phone/code", new { phone }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid phone"), await ErrorOfAsync("/auth/phone/login", new { phone, code = "123456" }));
        var payload = Payload(await SessionGraphQLAsync(null, LoginUser, new { phone, code = "123456" }), "userLogin");
        Assert.Equal("INVALID_INPUT", ErrorCode(payload));
        Assert.Null(payload["authToken"]);
        Assert.StartsWith("phone: ", payload["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_inputs_and_other_channels_are_refused()
    {
        Assert.Equal((HttpStatusCode.BadRequest, "missing inputs"), await ErrorOfAsync("/auth/phone/code", new { channel = "sms" }));
        Assert.Equal((HttpStatusCode.BadRequest, "missing inputs"), await ErrorOfAsync("/auth/phone/login", new { phone = NewPhone().E164 }));
        var (status, message) = await ErrorOfAsync("/auth/phone/code", new { phone = NewPhone().E164, channel = "whatsapp" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("channel must be sms", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codes_are_limited_per_number_and_per_address()
    {
        PastEveryLimitWindow();
        var (typed, phone) = NewPhone();
        for (var sent = 0; sent < 4; sent++)
        {
            await SendCodeAsync(typed, phone);
        }

        var (status, message) = await ErrorOfAsync("/auth/phone/code", new { phone });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Too many codes were requested", message, StringComparison.Ordinal);

        // 4 to that number, 12 more to others: the address's 16 an hour are used up.
        for (var sent = 0; sent < 12; sent++)
        {
            var other = NewPhone();
            await SendCodeAsync(other.Typed, other.E164);
        }

        Assert.StartsWith("Too many codes were requested", (await ErrorOfAsync("/auth/phone/code", new { phone = NewPhone().E164 })).Message, StringComparison.Ordinal);
        server.Clock.Advance(TimeSpan.FromMinutes(61));
        await SendCodeAsync(typed, phone);
    }

    [Fact]
    public async Task Wrong_guesses_are_limited_per_number_even_across_codes()
    {
        PastEveryLimitWindow();
        var (typed, phone) = NewPhone();
        for (var round = 0; round < 2; round++)
        {
            var code = await SendCodeAsync(typed, phone);
            for (var guess = 0; guess < 3; guess++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/auth/phone/login", new { phone, code = LoginRules.Wrong(code) })).Status);
            }
        }

        var right = await SendCodeAsync(typed, phone);
        Assert.Equal((HttpStatusCode.TooManyRequests, "too many requests"), await ErrorOfAsync("/auth/phone/login", new { phone, code = right }));
        var payload = Payload(await SessionGraphQLAsync(null, LoginUser, new { phone, code = right }), "userLogin");
        Assert.Equal("TOO_MANY_REQUEST", ErrorCode(payload));
    }

    [Fact]
    public async Task UserLogin_signs_in_with_the_code_and_refuses_a_wrong_or_expired_one()
    {
        PastEveryLimitWindow();
        var (typed, phone) = NewPhone();
        var code = await SendCodeAsync(typed, phone);

        var wrong = Payload(await SessionGraphQLAsync(null, LoginUser, new { phone = typed, code = LoginRules.Wrong(code) }), "userLogin");
        Assert.Equal("PHONE_CODE_ERROR", ErrorCode(wrong));
        Assert.Null(wrong["authToken"]);

        var login = Payload(await SessionGraphQLAsync(null, LoginUser, new { phone = typed, code }), "userLogin");
        Assert.Empty(login["errors"]!.AsArray());
        Assert.False(login["totpRequired"]!.GetValue<bool>());
        Assert.Equal(phone, (await MeAsync(login["authToken"].Str()))["phone"].Str());

        var late = await SendCodeAsync(typed, phone);
        server.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal("PHONE_CODE_ERROR", ErrorCode(Payload(await SessionGraphQLAsync(null, LoginUser, new { phone, code = late }), "userLogin")));
    }

    [Fact]
    public async Task A_session_adds_a_number_with_its_code_and_then_signs_in_with_it()
    {
        PastEveryLimitWindow();
        var token = await EmailSessionAsync();
        var userId = (await MeAsync(token))["id"].Str();
        var (typed, phone) = NewPhone();

        var sent = Payload(await SessionGraphQLAsync(token, Initiate, new { phone = typed, channel = "SMS" }), "userPhoneRegistrationInitiate");
        Assert.True(sent["success"]!.GetValue<bool>(), sent.ToJsonString());
        var code = await LastCodeAsync(phone);

        // A registration code is not a sign-in code.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/auth/phone/login", new { phone, code })).Status);
        Assert.Equal("PHONE_CODE_ERROR", ErrorCode(Payload(await SessionGraphQLAsync(token, Validate, new { phone, code = LoginRules.Wrong(code) }), "userPhoneRegistrationValidate")));
        var added = Payload(await SessionGraphQLAsync(token, Validate, new { phone = typed, code }), "userPhoneRegistrationValidate");
        Assert.Empty(added["errors"]!.AsArray());
        Assert.Equal(phone, added["me"]!["phone"].Str());
        Assert.Equal(userId, added["me"]!["id"].Str());

        var again = Payload(await SessionGraphQLAsync(token, Initiate, new { phone = NewPhone().E164 }), "userPhoneRegistrationInitiate");
        Assert.Equal("PHONE_ALREADY_ATTACHED_ERROR", ErrorCode(again));
        Assert.False(again["success"]!.GetValue<bool>());

        var (_, login) = await PostAsync("/auth/phone/login", new { phone, code = await SendCodeAsync(typed, phone) });
        Assert.Equal(userId, login["id"].Str());
    }

    [Fact]
    public async Task Adding_a_number_refuses_an_expired_code_a_taken_number_and_too_many_codes()
    {
        PastEveryLimitWindow();
        var token = await EmailSessionAsync();
        var (typed, phone) = NewPhone();
        Payload(await SessionGraphQLAsync(token, Initiate, new { phone = typed }), "userPhoneRegistrationInitiate");
        var code = await LastCodeAsync(phone);
        server.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal("PHONE_CODE_ERROR", ErrorCode(Payload(await SessionGraphQLAsync(token, Validate, new { phone, code }), "userPhoneRegistrationValidate")));

        var (takenTyped, taken) = NewPhone();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/auth/phone/login", new { phone = taken, code = await SendCodeAsync(takenTyped, taken) })).Status);
        Payload(await SessionGraphQLAsync(token, Initiate, new { phone = taken }), "userPhoneRegistrationInitiate");
        var refused = Payload(await SessionGraphQLAsync(token, Validate, new { phone = taken, code = await LastCodeAsync(taken) }), "userPhoneRegistrationValidate");
        Assert.Equal("PHONE_ACCOUNT_ALREADY_EXISTS_ERROR", ErrorCode(refused));
        Assert.Null(refused["me"]);

        // The expired code was the first of the number's four an hour.
        for (var sent = 0; sent < 3; sent++)
        {
            Assert.True(Payload(await SessionGraphQLAsync(token, Initiate, new { phone }), "userPhoneRegistrationInitiate")["success"]!.GetValue<bool>());
        }

        Assert.Equal("TOO_MANY_REQUEST", ErrorCode(Payload(await SessionGraphQLAsync(token, Initiate, new { phone }), "userPhoneRegistrationInitiate")));
        Assert.Equal("INVALID_INPUT", ErrorCode(Payload(await SessionGraphQLAsync(token, Initiate, new { phone = "+1 555" }), "userPhoneRegistrationInitiate")));
    }

    [Fact]
    public async Task Adding_a_number_needs_a_first_party_session()
    {
        var user = await server.NewUserAsync();
        var body = await server.GraphQLAsync(user.Token,
            $"mutation {{ userPhoneRegistrationInitiate(input: {{phone: \"{NewPhone().E164}\"}}) {{ success }} }}");
        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(body)["code"].Str());
        var anonymous = await SessionGraphQLAsync(null, Validate, new { phone = NewPhone().E164, code = "123456" });
        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(anonymous)["code"].Str());
    }

    [Fact]
    public async Task UserLoginUpgrade_adds_a_new_number_or_opens_the_account_that_has_it()
    {
        PastEveryLimitWindow();
        var first = await EmailSessionAsync();
        var (typed, phone) = NewPhone();
        var code = await SendCodeAsync(typed, phone);
        Assert.Equal("PHONE_CODE_ERROR", ErrorCode(Payload(await SessionGraphQLAsync(first, Upgrade, new { phone, code = LoginRules.Wrong(code) }), "userLoginUpgrade")));
        var upgraded = Payload(await SessionGraphQLAsync(first, Upgrade, new { phone = typed, code }), "userLoginUpgrade");
        Assert.True(upgraded["success"]!.GetValue<bool>(), upgraded.ToJsonString());
        Assert.Null(upgraded["authToken"]);
        var owner = await MeAsync(first);
        Assert.Equal(phone, owner["phone"].Str());

        var second = await EmailSessionAsync();
        var switched = Payload(await SessionGraphQLAsync(second, Upgrade, new { phone, code = await SendCodeAsync(typed, phone) }), "userLoginUpgrade");
        Assert.True(switched["success"]!.GetValue<bool>(), switched.ToJsonString());
        Assert.Equal(owner["id"].Str(), (await MeAsync(switched["authToken"].Str()))["id"].Str());
        Assert.Null((await MeAsync(second))["phone"]);

        var email = LoginRules.NewEmail();
        await server.NewUserAsync(sats: 1_000, email: email);
        var funded = await EmailSessionAsync(email);
        var refused = Payload(await SessionGraphQLAsync(funded, Upgrade, new { phone, code = await SendCodeAsync(typed, phone) }), "userLoginUpgrade");
        Assert.Equal("PHONE_ACCOUNT_ALREADY_EXISTS_NEED_TO_SWEEP_FUNDS_ERROR", ErrorCode(refused));
        Assert.False(refused["success"]!.GetValue<bool>());
        Assert.Null(refused["authToken"]);
    }

    private async Task<(HttpStatusCode Status, string Message)> ErrorOfAsync(string path, object body)
    {
        var (status, json) = await PostAsync(path, body);
        return (status, json["error"]?.GetValue<string>() ?? json.ToJsonString());
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}

public sealed class SqlitePhoneSignInTests(SqliteClockedServer server) : PhoneSignInTests<SqliteClockedServer>(server);

public sealed class PostgresPhoneSignInTests(PostgresClockedServer server) : PhoneSignInTests<PostgresClockedServer>(server);
