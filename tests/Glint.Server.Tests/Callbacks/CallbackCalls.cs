using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Callbacks.Endpoints;
using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Callbacks;

/// <summary>The callback operations with Blink's operation texts, and what the tests check deliveries with.</summary>
public static class CallbackCalls
{
    public static async Task<JsonObject> AddEndpointAsync(this GlintServerFixture server, string token, string url)
    {
        var data = await server.DataAsync(token, """
            mutation CallbackEndpointAdd($input: CallbackEndpointAddInput!) { callbackEndpointAdd(input: $input) { id errors { code message } } }
            """, new { input = new { url } });
        return data["callbackEndpointAdd"]!.AsObject();
    }

    /// <summary>Adds an endpoint that must be accepted; returns its id.</summary>
    public static async Task<Guid> AddAcceptedEndpointAsync(this GlintServerFixture server, string token, string url)
    {
        var added = await server.AddEndpointAsync(token, url);
        Assert.True(added["errors"]!.AsArray().Count == 0, added.ToJsonString());
        return Guid.Parse(added["id"].Str());
    }

    public static async Task<JsonObject> DeleteEndpointAsync(this GlintServerFixture server, string token, string id)
    {
        var data = await server.DataAsync(token, """
            mutation CallbackEndpointDelete($input: CallbackEndpointDeleteInput!) { callbackEndpointDelete(input: $input) { success errors { code message } } }
            """, new { input = new { id } });
        return data["callbackEndpointDelete"]!.AsObject();
    }

    public static async Task<List<(string Id, string Url)>> EndpointsAsync(this GlintServerFixture server, string token)
    {
        var data = await server.DataAsync(token, "query CallbackEndpoints { me { defaultAccount { callbackEndpoints { url id } } } }");
        return [.. data["me"]!["defaultAccount"]!["callbackEndpoints"]!.AsArray().Select(endpoint => (endpoint!["id"].Str(), endpoint["url"].Str()))];
    }

    public static async Task<string> SecretAsync(this GlintServerFixture server, Guid accountId, Guid endpointId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<CallbackEndpointStore>().RevealSecretAsync(accountId, endpointId, CancellationToken.None))!;
    }

    public static async Task<List<CallbackDelivery>> DeliveriesAsync(this GlintServerFixture server, Guid endpointId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GlintDbContext>().CallbackDeliveries.AsNoTracking()
            .Where(delivery => delivery.EndpointId == endpointId).OrderBy(delivery => delivery.Id).ToListAsync();
    }

    public static async Task<JsonObject> PayAsync(this GlintServerFixture server, ApiUser payer, Guid recipientWalletId, long sats, string? idempotencyKey = null)
    {
        var data = await server.DataAsync(payer.Token, """
            mutation Pay($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status errors { code message } } }
            """, new { input = new { walletId = payer.BtcWalletId, recipientWalletId, amount = sats } }, idempotencyKey: idempotencyKey);
        return data["intraLedgerPaymentSend"]!.AsObject();
    }

    /// <summary>Checks the Standard Webhooks signature independently of Glint's code: v1, base64 HMAC-SHA256 of id.timestamp.body.</summary>
    public static void AssertSigned(ReceivedCallback received, string secret)
    {
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{received.Id}.{received.Timestamp}.{received.Body}")));
        Assert.Contains(expected, received.Signature.Split(' '));
        Assert.StartsWith("msg_", received.Id, StringComparison.Ordinal);
    }

    /// <summary>The account and wallets of the user who signed in with <paramref name="email"/> (no token).</summary>
    public static async Task<ApiUser> AccountOfEmailAsync(this GlintServerFixture server, string email)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var user = await db.Users.AsNoTracking().SingleAsync(row => row.Email == email);
        var account = await db.Accounts.AsNoTracking().SingleAsync(row => row.UserId == user.Id);
        var wallets = await db.Wallets.AsNoTracking().Where(row => row.AccountId == account.Id).ToListAsync();
        return new ApiUser(user.Id, account.Id, wallets.Single(row => row.Currency == "BTC").Id, wallets.Single(row => row.Currency == "USD").Id, account.Username, "");
    }

    /// <summary>Polls the database for what the dispatcher records after an answer (bounded, real time, no fixed sleep).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Delay(20, timeout.Token);
        }
    }
}
