using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glint.Bench.Load;

/// <summary>
/// <c>intraLedgerPaymentSend</c> of 1 sat between wallet pairs: the first half of the seeded users pay the second half,
/// one worker per pair, each with the payer's access token. A payment counts only when Glint answers SUCCESS.
/// </summary>
public static class PaymentsCommand
{
    public const string Mutation = """
        mutation IntraLedgerBtcPaymentSend($input: IntraLedgerPaymentSendInput!) {
          intraLedgerPaymentSend(input: $input) { errors { code message } status }
        }
        """;

    public static async Task<int> RunAsync(Arguments args)
    {
        var publicUrl = args.Url("public");
        var seed = JsonNode.Parse(await File.ReadAllTextAsync(args.Required("seed")))!;
        var users = seed["users"]!.AsArray();
        var pairs = Math.Min(args.Count("pairs", 32), users.Count / 2);
        using var http = BenchHttp.Create();
        var measurement = await LoadRun.RunAsync(pairs, args.Duration("warmup", TimeSpan.Zero), args.Duration("duration", TimeSpan.FromSeconds(10)), args.Process("server-pid"), async (pair, cancellationToken) =>
        {
            var payer = users[pair]!;
            var payee = users[pair + users.Count / 2]!;
            var data = await BenchHttp.GraphQLAsync(http, publicUrl, "Oauth2-Token", payer["token"]!.GetValue<string>(), Mutation, new
            {
                input = new { walletId = payer["btc_wallet_id"]!.GetValue<string>(), recipientWalletId = payee["btc_wallet_id"]!.GetValue<string>(), amount = 1 },
            }, cancellationToken);
            EnsureSuccess(data);
        });
        Console.WriteLine(JsonSerializer.Serialize(measurement));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"payments: {pairs} pairs, {measurement.PerSecond}/s"));
        return 0;
    }

    public static void EnsureSuccess(JsonObject data)
    {
        var payment = data["intraLedgerPaymentSend"]!;
        if (payment["status"]?.GetValue<string>() != "SUCCESS" || payment["errors"] is JsonArray { Count: > 0 })
        {
            throw new BenchFailureException("payment: " + BenchHttp.Truncate(payment.ToJsonString()));
        }
    }
}
