using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glint.Bench.Load;

/// <summary>
/// Prepares a fresh Glint for the scenarios, through its public and admin APIs as an operator and users would:
/// <list type="bullet">
/// <item>clients on the admin API: client_credentials with opaque and with JWT access tokens, and a code-flow client;</item>
/// <item>users who sign in with an emailed code (<c>/auth/email/code</c>, the code read from the dev outbox with
/// <c>glint dev outbox</c>, <c>/auth/email/login</c>), which opens their account and wallets;</item>
/// <item>an access token per user from a complete code flow, and an API key for the first user;</item>
/// <item>money: one operator credit (<c>glint wallets credit</c>) to a bank user, who pays each sender of the
/// payment scenario with <c>intraLedgerPaymentSend</c>.</item>
/// </list>
/// Writes everything the scenarios need (ids, secrets, tokens) to <c>--out</c> as JSON.
/// </summary>
public static class SeedCommand
{
    private static readonly string[] Scopes = ["read", "write"];
    public const long SatsPerSender = 1_000_000;

    public static async Task<int> RunAsync(Arguments args)
    {
        var publicUrl = args.Url("public");
        var adminUrl = args.Url("admin");
        var users = args.Count("users", 64);
        var glintDll = args.Required("glint-dll");
        var dsn = args.Required("dsn");
        using var http = BenchHttp.Create();
        var cancel = CancellationToken.None;

        var ccOpaque = await CreateClientAsync(http, adminUrl,
            """{"client_name": "bench-cc-opaque", "grant_types": ["client_credentials"], "scope": "read write"}""", cancel);
        var ccJwt = await CreateClientAsync(http, adminUrl,
            """{"client_name": "bench-cc-jwt", "grant_types": ["client_credentials"], "scope": "read write", "access_token_strategy": "jwt"}""", cancel);
        var codeClient = await CreateClientAsync(http, adminUrl, """
            {"client_name": "bench-code", "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
             "scope": "read write receive", "redirect_uris": ["http://127.0.0.1/callback"]}
            """, cancel);
        var code = new CodeClient(codeClient.Id, codeClient.Secret, "http://127.0.0.1/callback");

        // The bank is the last of users + 1 people, so the first `users` are the scenarios' users.
        var people = await SignInAsync(http, publicUrl, users + 1, glintDll, dsn, cancel);
        var flow = new CodeFlow(http, publicUrl, adminUrl, code);
        var tokens = new string[people.Count];
        var wallets = new string[people.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, people.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            tokens[i] = await flow.RunAsync(people[i].UserId, Scopes, token);
            var data = await BenchHttp.GraphQLAsync(http, publicUrl, "Oauth2-Token", tokens[i],
                "query { me { defaultAccount { wallets { id walletCurrency } } } }", null, token);
            wallets[i] = data["me"]!["defaultAccount"]!["wallets"]!.AsArray()
                .Single(wallet => wallet!["walletCurrency"]!.GetValue<string>() == "BTC")!["id"]!.GetValue<string>();
        });

        var senders = users / 2;
        var bank = people.Count - 1;
        await GlintCliAsync(glintDll, dsn, cancel, "wallets", "credit", "--wallet", wallets[bank],
            "--amount", (senders * SatsPerSender).ToString(CultureInfo.InvariantCulture), "--memo", "benchmark funds");
        for (var sender = 0; sender < senders; sender++)
        {
            var paid = await BenchHttp.GraphQLAsync(http, publicUrl, "Oauth2-Token", tokens[bank], PaymentsCommand.Mutation,
                new { input = new { walletId = wallets[bank], recipientWalletId = wallets[sender], amount = SatsPerSender } }, cancel);
            PaymentsCommand.EnsureSuccess(paid);
        }

        var key = await BenchHttp.GraphQLAsync(http, publicUrl, "Oauth2-Token", tokens[0],
            """mutation { apiKeyCreate(input: {name: "bench", scopes: [READ, WRITE]}) { apiKeySecret } }""", null, cancel);

        var seed = new JsonObject
        {
            ["cc_opaque"] = ccOpaque.ToJson(),
            ["cc_jwt"] = ccJwt.ToJson(),
            ["code_client"] = new JsonObject { ["client_id"] = code.Id, ["client_secret"] = code.Secret, ["redirect_uri"] = code.RedirectUri },
            ["api_key"] = key["apiKeyCreate"]!["apiKeySecret"]!.GetValue<string>(),
            ["users"] = new JsonArray([.. Enumerable.Range(0, users).Select(i => (JsonNode)new JsonObject
            {
                ["id"] = people[i].UserId,
                ["token"] = tokens[i],
                ["btc_wallet_id"] = wallets[i],
            })]),
        };
        await File.WriteAllTextAsync(args.Required("out"), seed.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancel);
        Console.WriteLine($"seeded: 3 clients, {users} users with tokens ({senders} senders funded with {SatsPerSender} sats each), 1 API key");
        return 0;
    }

    private sealed record Client(string Id, string Secret)
    {
        public JsonObject ToJson() => new() { ["client_id"] = Id, ["client_secret"] = Secret };
    }

    private sealed record Person(string Email, string UserId);

    private static async Task<Client> CreateClientAsync(HttpClient http, Uri adminUrl, string json, CancellationToken cancellationToken)
    {
        using var body = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(adminUrl, "admin/clients"), body, cancellationToken);
        var created = await BenchHttp.ReadJsonAsync(response, HttpStatusCode.Created, "create client", cancellationToken);
        return new Client(created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>());
    }

    /// <summary>Each person asks for a code, then signs in with the code the dev outbox kept; the first sign-in opens the account.</summary>
    private static async Task<List<Person>> SignInAsync(HttpClient http, Uri publicUrl, int count, string glintDll, string dsn, CancellationToken cancellationToken)
    {
        var run = Convert.ToHexStringLower(BitConverter.GetBytes(Environment.TickCount64))[..8];
        var emails = Enumerable.Range(0, count).Select(i => $"bench-{run}-{i}@bench.example").ToList();
        var attempts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var email in emails)
        {
            using var response = await http.PostAsync(new Uri(publicUrl, "auth/email/code"), BenchHttp.Json(new { email }), cancellationToken);
            attempts[email] = (await BenchHttp.ReadJsonAsync(response, HttpStatusCode.OK, "email code", cancellationToken))["result"]!.GetValue<string>();
        }

        var outbox = JsonNode.Parse(await GlintCliAsync(glintDll, dsn, cancellationToken,
            "dev", "outbox", "--json", "--last", (count * 2).ToString(CultureInfo.InvariantCulture)))!.AsArray();
        var codes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in outbox)
        {
            codes.TryAdd(message!["to"]!.GetValue<string>(), message["code"]!.GetValue<string>());
        }

        var people = new List<Person>();
        foreach (var email in emails)
        {
            var code = codes.TryGetValue(email, out var found) ? found : throw new BenchFailureException($"no code in the dev outbox for {email}");
            using var response = await http.PostAsync(new Uri(publicUrl, "auth/email/login"), BenchHttp.Json(new { emailLoginId = attempts[email], code }), cancellationToken);
            var result = (await BenchHttp.ReadJsonAsync(response, HttpStatusCode.OK, "email login", cancellationToken))["result"]!;
            people.Add(new Person(email, result["id"]!.GetValue<string>()));
        }

        return people;
    }

    /// <summary>Runs an operator command of the host CLI on the server's database; returns its standard output.</summary>
    private static async Task<string> GlintCliAsync(string glintDll, string dsn, CancellationToken cancellationToken, params string[] command)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(glintDll);
        foreach (var part in command)
        {
            start.ArgumentList.Add(part);
        }

        start.ArgumentList.Add("--dsn");
        start.ArgumentList.Add(dsn);
        using var process = Process.Start(start) ?? throw new BenchFailureException("could not start the glint CLI");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0
            ? await output
            : throw new BenchFailureException($"glint {string.Join(' ', command)} exited {process.ExitCode}: {await error}");
    }
}
