using Glint.Data;
using Glint.Data.Postgres;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// Every connection Glint opens to PostgreSQL prepares the statements it sends again and again, so that the database
/// parses and plans a token's insert or a flow's redemption once per connection rather than on every execution.
/// </summary>
public sealed class PostgresPreparedStatementTests
{
    [Fact]
    public async Task AStatementRunRepeatedly_IsPreparedOnItsConnection_AndOneRunOnceIsNot()
    {
        await using var connection = new Npgsql.NpgsqlConnection(PostgresDatabase.ConnectionString(DatabaseDsn.Parse(PostgresServerFixture.ServerDsn)));
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        await RunAsync(connection, "SELECT 'once' || $1::text", "a");
        for (var i = 0; i < 3; i++)
        {
            await RunAsync(connection, "SELECT 'again' || $1::text", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await using var prepared = new Npgsql.NpgsqlCommand("SELECT statement FROM pg_prepared_statements", connection);
        var statements = new List<string>();
        await using (var reader = await prepared.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                statements.Add(reader.GetString(0));
            }
        }

        Assert.Contains(statements, statement => statement.Contains("'again'", StringComparison.Ordinal));
        Assert.DoesNotContain(statements, statement => statement.Contains("'once'", StringComparison.Ordinal));
    }

    private static async Task RunAsync(Npgsql.NpgsqlConnection connection, string sql, string value)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection) { Parameters = { new() { Value = value } } };
        Assert.Equal(value, ((string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!)[^value.Length..]);
    }
}
