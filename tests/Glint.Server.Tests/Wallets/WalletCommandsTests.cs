using System.CommandLine;
using System.Text.Json.Nodes;
using Glint.Server.Cli;

namespace Glint.Server.Tests.Wallets;

/// <summary>The operator commands, run as an operator runs them, on a SQLite file.</summary>
public sealed class WalletCommandsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"glint-cli-{Guid.NewGuid():N}.db");

    private string Dsn => "sqlite://" + _path;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await GlintCommandLine.Build().Parse(args).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task UsersCreate_PrintsIds_AndRefusesADuplicateEmail()
    {
        var (exit, output, _) = await RunAsync("users", "create", "--dsn", Dsn, "--email", "Alice@Example.com", "--username", "alice");
        var created = JsonNode.Parse(output)!;

        Assert.Equal(0, exit);
        foreach (var field in (string[])["user_id", "account_id", "btc_wallet_id", "usd_wallet_id"])
        {
            Assert.True(Guid.TryParse(created[field]!.GetValue<string>(), out _), field);
        }

        var duplicate = await RunAsync("users", "create", "--dsn", Dsn, "--email", "alice@example.com");
        Assert.Equal(1, duplicate.Exit);
        Assert.Contains("already exists", duplicate.Error, StringComparison.Ordinal);

        var takenName = await RunAsync("users", "create", "--dsn", Dsn, "--email", "other@example.com", "--username", "ALICE");
        Assert.Equal(1, takenName.Exit);
        Assert.Contains("username is already taken", takenName.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("bc1qwerty")]
    [InlineData("has space")]
    public async Task UsersCreate_WithInvalidUsername_Fails(string username)
    {
        var (exit, _, error) = await RunAsync("users", "create", "--dsn", Dsn, "--email", "x@example.com", "--username", username);
        Assert.Equal(1, exit);
        Assert.Contains("Usernames are", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WalletsCredit_ThenLedgerVerify_Passes()
    {
        var created = JsonNode.Parse((await RunAsync("users", "create", "--dsn", Dsn, "--email", "bob@example.com")).Output)!;
        var wallet = created["btc_wallet_id"]!.GetValue<string>();

        var credit = await RunAsync("wallets", "credit", "--dsn", Dsn, "--wallet", wallet, "--amount", "150000", "--memo", "opening balance");
        var zero = await RunAsync("wallets", "credit", "--dsn", Dsn, "--wallet", wallet, "--amount", "0");
        var unknown = await RunAsync("wallets", "credit", "--dsn", Dsn, "--wallet", Guid.NewGuid().ToString(), "--amount", "5");
        var verify = await RunAsync("ledger", "verify", "--dsn", Dsn);

        Assert.Equal(0, credit.Exit);
        Assert.Equal(1, zero.Exit);
        Assert.Equal(1, unknown.Exit);
        Assert.Equal(0, verify.Exit);
        Assert.Equal(1, JsonNode.Parse(verify.Output)!["entries"]!.GetValue<int>());
    }

    [Fact]
    public async Task DevSeed_CreatesFundedDemoUsers()
    {
        var (exit, output, _) = await RunAsync("dev", "seed", "--dsn", Dsn);
        Assert.Equal(0, exit);
        Assert.Equal(["alice", "bob"], JsonNode.Parse(output)!.AsArray().Select(user => user!["username"]!.GetValue<string>()));
        Assert.Equal(0, (await RunAsync("ledger", "verify", "--dsn", Dsn)).Exit);
    }

    [Fact]
    public async Task GraphqlSchema_PrintsTheServedSdl()
    {
        var (exit, output, _) = await RunAsync("graphql", "schema");
        Assert.Equal(0, exit);
        Assert.Contains("type Query {", output, StringComparison.Ordinal);
        Assert.Contains("intraLedgerPaymentSend(input: IntraLedgerPaymentSendInput!): PaymentSendPayload!", output, StringComparison.Ordinal);
    }
}
