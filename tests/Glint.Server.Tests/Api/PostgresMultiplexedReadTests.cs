using System.Net;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Data.Postgres;
using Glint.Data.Wallets;
using Glint.Wallets.Accounts;
using Glint.Wallets.Queries;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// On PostgreSQL the account read behind <c>me</c> goes through the node's multiplexed data source, where the reads of
/// concurrent requests share connections and socket writes: each request must still get its own rows, see what was
/// committed before it, and an outage of the database must be a GraphQL error from which reads come back by themselves.
/// A database of its own, because the outage is made by closing it to connections.
/// </summary>
public sealed class PostgresMultiplexedReadTests : IAsyncLifetime
{
    private const string Balances = "query { me { defaultAccount { id wallets { id walletCurrency balance } } } }";

    private TestDatabase _database = null!;
    private GlintNode _node = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        _node = new GlintNode(_database.Dsn);
        await _node.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        await ExecuteAsync($"ALTER DATABASE {DatabaseName} ALLOW_CONNECTIONS true");
        await _database.DisposeAsync();
    }

    [Fact]
    public void TheNode_ReadsThroughAMultiplexedDataSource()
    {
        var reads = _node.Services.GetService<MultiplexedReads>();

        Assert.NotNull(reads);
        Assert.Contains("Multiplexing=True", reads.Source.ConnectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ConcurrentReads_EachGetTheirOwnAccount()
    {
        var users = new ApiUser[6];
        for (var i = 0; i < users.Length; i++)
        {
            users[i] = await _node.NewUserAsync(sats: 1_000 + i);
        }

        var reads = Enumerable.Range(0, 96).Select(async n =>
        {
            var user = users[n % users.Length];
            return (User: user, Data: await _node.DataAsync(user.Token, Balances));
        });

        foreach (var (user, data) in await Task.WhenAll(reads))
        {
            var account = data["me"]!["defaultAccount"]!;
            Assert.Equal(user.AccountId.ToString("D"), account["id"].Str());
            var btc = account["wallets"]!.AsArray().Single(wallet => wallet!["walletCurrency"].Str() == "BTC")!;
            Assert.Equal(user.BtcWalletId.ToString("D"), btc["id"].Str());
            Assert.Equal(1_000 + Array.IndexOf(users, user), btc["balance"].Number());
        }
    }

    [Fact]
    public async Task ConcurrentReads_SeeEachPaymentCommittedBeforeThem()
    {
        var payer = await _node.NewUserAsync(sats: 1_000);
        var payee = await _node.NewUserAsync();

        for (var paid = 1; paid <= 5; paid++)
        {
            var sent = await _node.DataAsync(payer.Token, BlinkOperations.IntraLedgerBtcPaymentSend,
                new { input = new { walletId = payer.BtcWalletId, recipientWalletId = payee.BtcWalletId, amount = 10 } });
            Assert.Equal("SUCCESS", sent["intraLedgerPaymentSend"]!["status"].Str());

            var reads = await Task.WhenAll(Enumerable.Range(0, 8).Select(n => _node.DataAsync(n % 2 == 0 ? payer.Token : payee.Token, Balances)));
            for (var n = 0; n < reads.Length; n++)
            {
                var expected = n % 2 == 0 ? 1_000 - (10 * paid) : 10 * paid;
                Assert.Equal(expected, BtcBalance(reads[n]));
            }
        }
    }

    [Fact]
    public async Task AnUnreachableDatabase_IsAGraphQLError_AndReadsComeBackAfterIt()
    {
        var user = await _node.NewUserAsync(sats: 42);
        Assert.Equal(42, BtcBalance(await _node.DataAsync(user.Token, Balances)));

        // Closed to new connections, and every open one ended: the multiplexed connections break under the node.
        await ExecuteAsync($"ALTER DATABASE {DatabaseName} ALLOW_CONNECTIONS false");
        await ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DatabaseName}'");
        string outage;
        using (var response = await _node.PostGraphQLAsync(user.Token, Balances))
        {
            outage = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"graphql: {(int)response.StatusCode} {outage}");
        }

        await ExecuteAsync($"ALTER DATABASE {DatabaseName} ALLOW_CONNECTIONS true");
        var after = await _node.DataAsync(user.Token, Balances);

        var body = JsonNode.Parse(outage)!.AsObject();
        Assert.Null(body["data"]!["me"]);
        Assert.NotEmpty(SingleError(body)["message"].Str());
        Assert.DoesNotContain("Npgsql", outage, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", outage, StringComparison.Ordinal);
        Assert.Equal(42, BtcBalance(after));
    }

    [Fact]
    public async Task ReadsOfMoreUsersThanOneStatementTakes_WaitingTogether_EachGetTheirOwnAccount()
    {
        var ct = TestContext.Current.CancellationToken;
        var opened = new List<OpenedAccount>();
        for (var i = 0; i < 300; i++)
        {
            await using var scope = _node.Services.CreateAsyncScope();
            var (account, failure) = await scope.ServiceProvider.GetRequiredService<AccountOpening>().OpenAsync(null, null, NewUsername(), ct);
            Assert.True(failure is null, failure?.Message);
            opened.Add(account!);
        }

        // The node's account read is settled by a first read through a request.
        var first = await _node.NewUserAsync(sats: 7);
        Assert.Equal(7, BtcBalance(await _node.DataAsync(first.Token, Balances)));

        // The accounts table held by another transaction: the batch in flight waits at the database, and every read
        // asked meanwhile queues for the next one, more users than one statement reads.
        await using var holder = new Npgsql.NpgsqlConnection(PostgresDatabase.ConnectionString(DatabaseDsn.Parse(_database.Dsn)));
        await holder.OpenAsync(ct);
        await using var hold = await holder.BeginTransactionAsync(ct);
        await using (var lockTable = new Npgsql.NpgsqlCommand("LOCK TABLE \"accounts\" IN ACCESS EXCLUSIVE MODE", holder, hold))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }

        var blocked = ReadAccountAsync(first.UserId, ct);
        await using (var waiting = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", holder, hold))
        {
            while ((long)(await waiting.ExecuteScalarAsync(ct))! == 0)
            {
                await Task.Yield();
            }
        }

        var reads = opened.Select(account => ReadAccountAsync(account.UserId, ct)).ToList();
        await hold.CommitAsync(ct);

        // A read the batches never answer would wait for ever: bounded here so that it fails the test instead.
        Assert.Equal(first.AccountId, (await blocked.WaitAsync(TimeSpan.FromMinutes(1), ct)).Account.Id);
        var found = await Task.WhenAll(reads).WaitAsync(TimeSpan.FromMinutes(1), ct);
        for (var i = 0; i < opened.Count; i++)
        {
            Assert.Equal(opened[i].AccountId, found[i].Account.Id);
            Assert.Equal(opened[i].UserId, found[i].Account.UserId);
            Assert.Equal(
                new[] { opened[i].BtcWalletId, opened[i].UsdWalletId }.Order(),
                found[i].Wallets.Select(wallet => wallet.Id).Order());
        }
    }

    /// <summary>The account read as a request's scope guard makes it, outside any database context.</summary>
    private async Task<(WalletAccount Account, IReadOnlyList<Wallet> Wallets)> ReadAccountAsync(Guid userId, CancellationToken ct)
    {
        await using var scope = _node.Services.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<WalletQueries>().FindAccountAndWalletsOfUserAsync(userId, ct);
        Assert.NotNull(found);
        return found.Value;
    }

    [Fact]
    public async Task TheAccountRead_OnAFewPagesOfAnalyzedTables_ReadsTheWalletsOfTheOneAccountWithoutHashingThem()
    {
        var users = new[] { await _node.NewUserAsync(sats: 1), await _node.NewUserAsync(sats: 2), await _node.NewUserAsync(sats: 3) };
        Assert.Equal(1, BtcBalance(await _node.DataAsync(users[0].Token, Balances)));

        // The statement as the node sent it (the accounts of a batch of users), planned as its prepared form is once the
        // tables' statistics say how few rows they hold: as a plain join PostgreSQL then scans and hashes the whole
        // wallets table on every read.
        await using var connection = new Npgsql.NpgsqlConnection(PostgresDatabase.ConnectionString(DatabaseDsn.Parse(_database.Dsn)));
        await connection.OpenAsync();
        await using var find = new Npgsql.NpgsqlCommand(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
            "AND query LIKE 'SELECT a.%FROM \"accounts\" AS a %' LIMIT 1", connection);
        var read = (string?)await find.ExecuteScalarAsync();
        Assert.NotNull(read);
        await using var prepare = new Npgsql.NpgsqlCommand(
            "ANALYZE; SET plan_cache_mode = force_generic_plan; PREPARE account_read(uuid[]) AS " + read, connection);
        await prepare.ExecuteNonQueryAsync();
        await using var explain = new Npgsql.NpgsqlCommand($"EXPLAIN EXECUTE account_read(ARRAY['{users[1].UserId:D}', '{users[2].UserId:D}']::uuid[])", connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains("Nested Loop Left Join", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Hash", StringComparison.Ordinal));
    }

    private string DatabaseName => new Uri(_database.Dsn).AbsolutePath.TrimStart('/');

    private static long BtcBalance(JsonObject data) =>
        data["me"]!["defaultAccount"]!["wallets"]!.AsArray().Single(wallet => wallet!["walletCurrency"].Str() == "BTC")!["balance"].Number();

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(PostgresDatabase.ConnectionString(DatabaseDsn.Parse(PostgresServerFixture.ServerDsn)));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
