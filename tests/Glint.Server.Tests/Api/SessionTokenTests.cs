using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Login.Totp;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Login;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Api;

/// <summary>First-party session tokens through Blink's REST login (<c>/auth/email/*</c>, <c>/auth/totp/validate</c>) and <c>userLogout</c>.</summary>
public abstract class SessionTokenTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, object body)
    {
        using var response = await server.Public.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    private async Task<string> LastCodeAsync(string email)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var subject = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox
            .Where(message => message.To == email).OrderByDescending(message => message.Id).Select(message => message.Subject).FirstAsync();
        return subject[^6..];
    }

    private async Task<JsonObject> EmailLoginAsync(string email)
    {
        var (status, sent) = await PostAsync("/auth/email/code", new { email });
        Assert.Equal(HttpStatusCode.OK, status);
        var (loginStatus, login) = await PostAsync("/auth/email/login", new { emailLoginId = sent["result"].Str(), code = await LastCodeAsync(email) });
        Assert.Equal(HttpStatusCode.OK, loginStatus);
        return login["result"]!.AsObject();
    }

    private async Task<HttpResponseMessage> MeAsync(string token) => await server.PostGraphQLWithAsync("Authorization", "Bearer " + token, "query { me { id } authorization { scopes } }");

    [Fact]
    public async Task An_email_login_gives_an_unscoped_session_token_that_userLogout_ends()
    {
        var email = LoginRules.NewEmail();
        var result = await EmailLoginAsync(email);
        var token = result["authToken"].Str();
        Assert.StartsWith("glint_st_", token, StringComparison.Ordinal);
        Assert.False(result["totpRequired"]!.GetValue<bool>());

        using (var me = await MeAsync(token))
        {
            var data = JsonNode.Parse(await me.Content.ReadAsStringAsync())!["data"]!;
            Assert.Equal(result["id"].Str(), data["me"]!["id"].Str());
            Assert.Equal(["READ", "WRITE", "RECEIVE"], data["authorization"]!["scopes"]!.AsArray().Select(scope => scope!.GetValue<string>()));
        }

        using var logout = await server.PostGraphQLWithAsync("Authorization", "Bearer " + token, "mutation { userLogout(input: {deviceToken: \"x\"}) { success } }");
        Assert.True(JsonNode.Parse(await logout.Content.ReadAsStringAsync())!["data"]!["userLogout"]!["success"]!.GetValue<bool>());
        using var after = await MeAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Wrong_and_missing_input_get_Blinks_status_codes()
    {
        var email = LoginRules.NewEmail();
        var (_, sent) = await PostAsync("/auth/email/code", new { email });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PostAsync("/auth/email/code", new { email = "nope" })).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PostAsync("/auth/email/login", new { code = "123456" })).Status);
        var (status, body) = await PostAsync("/auth/email/login", new { emailLoginId = sent["result"].Str(), code = LoginRules.Wrong(await LastCodeAsync(email)) });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid code", body["error"].Str());
    }

    /// <summary>A local part ending in a dot passes <see cref="System.Net.Mail.MailAddress"/> but no mail server takes it: it was a 500 with SMTP configured.</summary>
    [Fact]
    public async Task An_email_that_cannot_be_mailed_is_a_422_and_sends_no_code()
    {
        var email = $"{Guid.NewGuid():N}.@example.com";

        var (status, body) = await PostAsync("/auth/email/code", new { email });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("invalid email", body["error"].Str());
        await using var scope = server.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox.AnyAsync(message => message.To == email));
    }

    [Theory]
    [InlineData("/auth/email/code", """{"email":"a@example.com","email":"b@example.com"}""", "email must be given once")]
    [InlineData("/auth/email/login", """{"emailLoginId":"x","code":"123456","code":"654321"}""", "code must be given once")]
    [InlineData("/auth/totp/validate", """{"totpCode":"1","totpCode":"2","authToken":"t"}""", "totpCode must be given once")]
    public async Task A_field_given_twice_is_a_400_naming_it(string path, string body, string error)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Public.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"].Str());
    }

    [Fact]
    public async Task A_user_with_totp_gets_a_token_that_works_only_after_the_totp_step()
    {
        var email = LoginRules.NewEmail();
        var userId = Guid.Parse((await EmailLoginAsync(email))["id"].Str());
        var secret = TotpAuthenticator.NewSecret();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            var user = await db.Users.SingleAsync(candidate => candidate.Id == userId);
            var totp = scope.ServiceProvider.GetRequiredService<TotpAuthenticator>();
            totp.Enable(user, secret, totp.Match(secret, new OtpNet.Totp(secret).ComputeTotp(DateTime.UtcNow))!.Value);
            await db.SaveChangesAsync();
        }

        var pending = await EmailLoginAsync(email);
        Assert.True(pending["totpRequired"]!.GetValue<bool>());
        Assert.Null(pending["id"]);
        var token = pending["authToken"].Str();
        using (var early = await MeAsync(token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, early.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/auth/totp/validate", new { authToken = token, totpCode = "000000x" })).Status);
        var next = new OtpNet.Totp(secret).ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/auth/totp/validate", new { authToken = token, totpCode = next })).Status);
        using var me = await MeAsync(token);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task An_expired_session_token_gets_401()
    {
        var token = (await EmailLoginAsync(LoginRules.NewEmail()))["authToken"].Str();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
            await scope.ServiceProvider.GetRequiredService<GlintDbContext>().SessionTokens.Where(session => session.TokenHash == hash)
                .ExecuteUpdateAsync(set => set.SetProperty(session => session.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        using var response = await MeAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class SqliteSessionTokenTests(SqliteServerFixture server) : SessionTokenTests<SqliteServerFixture>(server);

public sealed class PostgresSessionTokenTests(PostgresServerFixture server) : SessionTokenTests<PostgresServerFixture>(server);
