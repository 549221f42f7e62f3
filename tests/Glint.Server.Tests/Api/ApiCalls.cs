using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Accounts;
using Glint.Wallets.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Api;

/// <summary>A user opened through the server's own services, with an access token from the authorization code flow.</summary>
public sealed record ApiUser(Guid UserId, Guid AccountId, Guid BtcWalletId, Guid UsdWalletId, string? Username, string Token);

/// <summary>What the API tests do often: open and fund accounts, get a user's token, call <c>/graphql</c>.</summary>
public static class ApiCalls
{
    public static string NewUsername() => "u" + Guid.NewGuid().ToString("N")[..15];

    /// <summary>
    /// A new user with a BTC and a USD wallet (<see cref="AccountOpening"/>), optionally funded (<see cref="PaymentService.CreditAsync"/>),
    /// and an access token granting <paramref name="grant"/> through login and consent with the user's id as subject.
    /// </summary>
    public static async Task<ApiUser> NewUserAsync(
        this GlintServerFixture server, long sats = 0, long cents = 0, string[]? grant = null, bool withUsername = true, string? email = null)
    {
        var username = withUsername ? NewUsername() : null;
        OpenedAccount opened;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var (account, failure) = await scope.ServiceProvider.GetRequiredService<AccountOpening>().OpenAsync(null, email, username, CancellationToken.None);
            Assert.True(failure is null, failure?.Message);
            opened = account!;
        }

        if (sats > 0)
        {
            await server.CreditAsync(opened.BtcWalletId, sats);
        }

        if (cents > 0)
        {
            await server.CreditAsync(opened.UsdWalletId, cents);
        }

        var token = await server.AccessTokenAsync(opened.UserId, grant ?? ["read", "write"]);
        return new ApiUser(opened.UserId, opened.AccountId, opened.BtcWalletId, opened.UsdWalletId, username, token);
    }

    public static async Task CreditAsync(this GlintServerFixture server, Guid walletId, long amount, string? memo = null)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<PaymentService>().CreditAsync(walletId, amount, memo, CancellationToken.None);
        Assert.True(outcome.Status == PaymentStatus.Success, outcome.Error?.Message);
    }

    /// <summary>An access token for <paramref name="userId"/>: the login app accepts the login with the user id as subject, consent grants <paramref name="grant"/>.</summary>
    public static async Task<string> AccessTokenAsync(this GlintServerFixture server, Guid userId, string[] grant)
    {
        var client = await server.CreateCodeClientAsync(scope: "read write receive");
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, userId.ToString(), "read write receive", grant);
        var tokens = await server.TokensAsync(client, run);
        return tokens["access_token"]!.GetValue<string>();
    }

    /// <summary><c>POST /graphql</c> with <c>Oauth2-Token</c> (when given), as Blink's apps call it.</summary>
    public static async Task<HttpResponseMessage> PostGraphQLAsync(
        this GlintServerFixture server, string? token, string query, object? variables = null, string? operationName = null, string? idempotencyKey = null)
    {
        var body = new Dictionary<string, object?> { ["query"] = query };
        if (operationName is not null)
        {
            body["operationName"] = operationName;
        }

        if (variables is not null)
        {
            body["variables"] = variables;
        }

        return await server.PostRawGraphQLAsync(token, JsonSerializer.Serialize(body), idempotencyKey: idempotencyKey);
    }

    public static async Task<HttpResponseMessage> PostRawGraphQLAsync(
        this GlintServerFixture server, string? token, string body, string contentType = "application/json", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Add("Oauth2-Token", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Idempotency-Key", idempotencyKey);
        }

        return await server.Public.SendAsync(request);
    }

    /// <summary><c>POST /graphql</c> with one credential header of the caller's choice (<c>X-API-KEY</c>, <c>Authorization</c>, …).</summary>
    public static async Task<HttpResponseMessage> PostGraphQLWithAsync(this GlintServerFixture server, string header, string value, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query }) };
        request.Headers.TryAddWithoutValidation(header, value);
        return await server.Public.SendAsync(request);
    }

    /// <summary>A GraphQL call with an API key that must answer 200; returns the whole body.</summary>
    public static async Task<JsonObject> ApiKeyGraphQLAsync(this GlintServerFixture server, string apiKey, string query)
    {
        using var response = await server.PostGraphQLWithAsync("X-API-KEY", apiKey, query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"graphql: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>A GraphQL call that must answer 200; returns the whole body (<c>data</c> and <c>errors</c>).</summary>
    public static async Task<JsonObject> GraphQLAsync(this GlintServerFixture server, string? token, string query, object? variables = null, string? operationName = null, string? idempotencyKey = null)
    {
        using var response = await server.PostGraphQLAsync(token, query, variables, operationName, idempotencyKey);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"graphql: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>A GraphQL call that must succeed without errors; returns <c>data</c>.</summary>
    public static async Task<JsonObject> DataAsync(this GlintServerFixture server, string? token, string query, object? variables = null, string? operationName = null, string? idempotencyKey = null)
    {
        var body = await server.GraphQLAsync(token, query, variables, operationName, idempotencyKey);
        Assert.True(body["errors"] is null, $"unexpected errors: {body.ToJsonString()}");
        return body["data"]!.AsObject();
    }

    /// <summary>The only top-level error of a response.</summary>
    public static JsonObject SingleError(JsonObject body)
    {
        var errors = body["errors"]?.AsArray();
        Assert.True(errors is { Count: 1 }, $"expected one error: {body.ToJsonString()}");
        return errors[0]!.AsObject();
    }

    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    public static long Number(this JsonNode? node) => node!.GetValue<long>();
}
