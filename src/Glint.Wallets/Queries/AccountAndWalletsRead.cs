using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Glint.Data;
using Glint.Data.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Glint.Wallets.Queries;

/// <summary>
/// The caller's account and its wallets, the read behind almost every API query, as one plain command on the
/// context's connection. Through EF Core (even compiled) this read cost more than the rest of a GraphQL <c>me</c>:
/// opening the connection through EF (on SQLite, registering EF's SQL functions on every open and a pragma through
/// the interceptor), a delegate compiled at run time for every row shaper, and the reader's wrappers. The table and
/// column names, the parameter's type and the stored form of each value (SQLite keeps timestamps as numbers) come from
/// the EF model, so the two cannot drift apart. The statement is parsed and planned once per connection, not per
/// request: on SQLite it runs on one of the <see cref="HeldReadConnections"/>; on PostgreSQL it goes through the
/// node's <see cref="MultiplexedReads"/>, where the reads of concurrent requests share the socket writes and reads and
/// the statement is prepared automatically, or, inside a transaction, on the transaction's connection, prepared (Npgsql
/// keeps prepared statements across pooled reuse of a physical connection).
/// </summary>
internal sealed class AccountAndWalletsRead
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";
    private const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    private static readonly ConditionalWeakTable<IModel, AccountAndWalletsRead> ByModel = new();

    // EF Core names the provider from its assembly's name, allocated on every call; a model belongs to one provider.
    private readonly string? _provider;
    private readonly string _sql;

    // The same with PostgreSQL's own positional parameter: Npgsql then sends the text as it is, where a named
    // parameter has it parse and rewrite the statement on every execution.
    private readonly string _positionalSql;

    /// <summary>On PostgreSQL, the read of many users at once (<see cref="AccountReadBatches"/>), each row ending with its user's id.</summary>
    private readonly string? _batchSql;

    /// <summary>The node's batches, one per multiplexed data source (a test process hosts several nodes on one model).</summary>
    private readonly ConditionalWeakTable<DbDataSource, AccountReadBatches> _batches = new();
    private readonly RelationalTypeMapping _userIdMapping;
    private readonly ValueConverter? _accountCreatedAt;
    private readonly ValueConverter? _walletCreatedAt;

    private AccountAndWalletsRead(IModel model, string? provider)
    {
        _provider = provider;
        var accounts = model.FindEntityType(typeof(WalletAccount)) ?? throw new InvalidOperationException("The model has no accounts.");
        var wallets = model.FindEntityType(typeof(Data.Wallets.Wallet)) ?? throw new InvalidOperationException("The model has no wallets.");
        var accountTable = StoreObjectIdentifier.Table(accounts.GetTableName()!, accounts.GetSchema());
        var walletTable = StoreObjectIdentifier.Table(wallets.GetTableName()!, wallets.GetSchema());
        string A(string property) => "a.\"" + accounts.FindProperty(property)!.GetColumnName(accountTable) + "\"";
        string W(string property) => "w.\"" + wallets.FindProperty(property)!.GetColumnName(walletTable) + "\"";

        var walletColumns =
            $"{W(nameof(Data.Wallets.Wallet.Id))}, {W(nameof(Data.Wallets.Wallet.Currency))}, {W(nameof(Data.Wallets.Wallet.Balance))}, " +
            $"{W(nameof(Data.Wallets.Wallet.CreatedAt))}";
        var walletsOfAccount = $"{W(nameof(Data.Wallets.Wallet.AccountId))} = {A(nameof(WalletAccount.Id))}";

        // On PostgreSQL the wallets are a lateral subquery the planner may not merge into the join (OFFSET 0), so it
        // reads only the wallets of the one account found: a filtered scan of a few pages, the account index on a
        // large table. As a plain join on the few pages of a young node's analyzed tables, it scanned and hashed the
        // whole wallets table on every read, about a third more of PostgreSQL's CPU per read (pgbench on the prepared
        // statement). A planner setting would travel as a startup parameter, which poolers refuse. SQLite joins by
        // nested loops anyway.
        var walletJoin = provider == PostgresProvider
            ? $"LEFT JOIN LATERAL (SELECT {walletColumns} FROM \"{walletTable.Name}\" AS w WHERE {walletsOfAccount} OFFSET 0) AS w ON TRUE"
            : $"LEFT JOIN \"{walletTable.Name}\" AS w ON {walletsOfAccount}";
        _sql =
            $"SELECT {A(nameof(WalletAccount.Id))}, {A(nameof(WalletAccount.Username))}, {A(nameof(WalletAccount.UsernameKey))}, " +
            $"{A(nameof(WalletAccount.DefaultWalletId))}, {A(nameof(WalletAccount.DisplayCurrency))}, {A(nameof(WalletAccount.Level))}, " +
            $"{A(nameof(WalletAccount.Status))}, {A(nameof(WalletAccount.CreatedAt))}, {walletColumns} " +
            $"FROM \"{accountTable.Name}\" AS a {walletJoin} WHERE {A(nameof(WalletAccount.UserId))} = @user_id";
        _positionalSql = _sql.Replace("@user_id", "$1", StringComparison.Ordinal);
        if (provider == PostgresProvider)
        {
            var select = _sql[.._sql.IndexOf(" FROM ", StringComparison.Ordinal)];
            _batchSql = $"{select}, {A(nameof(WalletAccount.UserId))} FROM \"{accountTable.Name}\" AS a {walletJoin} WHERE {A(nameof(WalletAccount.UserId))} = ANY($1)";
        }

        _userIdMapping = (RelationalTypeMapping)accounts.FindProperty(nameof(WalletAccount.UserId))!.GetTypeMapping();
        _accountCreatedAt = accounts.FindProperty(nameof(WalletAccount.CreatedAt))!.GetTypeMapping().Converter;
        _walletCreatedAt = wallets.FindProperty(nameof(Data.Wallets.Wallet.CreatedAt))!.GetTypeMapping().Converter;
    }

    public static AccountAndWalletsRead For(GlintDbContext db) =>
        ByModel.TryGetValue(db.Model, out var read) ? read : Build(db);

    // Apart from For: the factory captures the context, and a closure in For would be allocated on every call.
    private static AccountAndWalletsRead Build(GlintDbContext db) =>
        ByModel.GetValue(db.Model, model => new AccountAndWalletsRead(model, db.Database.ProviderName));

    /// <summary>The account (null when the user has none) and its wallets in the order the database returned them.</summary>
    public async Task<WalletAccount?> ReadAsync(
        GlintDbContext db, HeldReadConnections held, MultiplexedReads? multiplexed, Guid userId, List<Data.Wallets.Wallet> wallets,
        CancellationToken cancellationToken)
    {
        if (multiplexed is not null && db.Database.CurrentTransaction is null)
        {
            return await ReadMultiplexedAsync(multiplexed, userId, wallets, cancellationToken);
        }

        var connection = db.Database.GetDbConnection();
        if (_provider == SqliteProvider && db.Database.CurrentTransaction is null &&
            await held.RentAsync(connection, Prepare, cancellationToken) is { } rented)
        {
            return await ReadHeldAsync(held, rented, userId, wallets, cancellationToken);
        }

        // Opened here only when EF has not opened it (a query's context has not): then it is closed here too.
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var command = Prepare(connection);
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.Parameters[0].Value = _userIdMapping.Converter?.ConvertToProvider(userId) ?? userId;
            if (_provider == PostgresProvider)
            {
                await command.PrepareAsync(cancellationToken);
            }

            return await ReadAsync(command, userId, wallets, cancellationToken);
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>
    /// Whether this node can read without a request's context: on PostgreSQL through its multiplexed reads, on SQLite
    /// once its held connections know their database (from the first read through a context).
    /// </summary>
    public bool CanReadWithoutContext(HeldReadConnections held, MultiplexedReads? multiplexed) =>
        multiplexed is not null || (_provider == SqliteProvider && held.KnowsItsDatabase);

    /// <summary>
    /// As <see cref="ReadAsync(GlintDbContext, HeldReadConnections, MultiplexedReads?, Guid, List{Data.Wallets.Wallet}, CancellationToken)"/>,
    /// outside any transaction and without a context, when <see cref="CanReadWithoutContext"/> says so.
    /// </summary>
    public async Task<WalletAccount?> ReadAsync(
        HeldReadConnections held, MultiplexedReads? multiplexed, Guid userId, List<Data.Wallets.Wallet> wallets, CancellationToken cancellationToken) =>
        multiplexed is not null
            ? await ReadMultiplexedAsync(multiplexed, userId, wallets, cancellationToken)
            : await ReadHeldAsync(held, await held.RentAsync(Prepare, cancellationToken), userId, wallets, cancellationToken);

    private async Task<WalletAccount?> ReadMultiplexedAsync(MultiplexedReads multiplexed, Guid userId, List<Data.Wallets.Wallet> wallets, CancellationToken cancellationToken)
    {
        if (_batchSql is not null && _userIdMapping.Converter is null)
        {
            var batches = _batches.TryGetValue(multiplexed.Source, out var existing) ? existing : Batches(multiplexed.Source);
            return await batches.ReadAsync(userId, wallets, cancellationToken);
        }

        await using var command = multiplexed.Source.CreateCommand(_positionalSql);
        command.Parameters.Add(_userIdMapping.CreateParameter(command, "", _userIdMapping.Converter?.ConvertToProvider(userId) ?? userId, nullable: false));
        return await ReadAsync(command, userId, wallets, cancellationToken);
    }

    private async Task<WalletAccount?> ReadHeldAsync(
        HeldReadConnections held, HeldReadConnections.Held rented, Guid userId, List<Data.Wallets.Wallet> wallets, CancellationToken cancellationToken)
    {
        var clean = false;
        try
        {
            rented.Command.Parameters[0].Value = _userIdMapping.Converter?.ConvertToProvider(userId) ?? userId;
            var account = await ReadAsync(rented.Command, userId, wallets, cancellationToken);
            clean = true;
            return account;
        }
        finally
        {
            await held.ReturnAsync(rented, clean);
        }
    }

    private DbCommand Prepare(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.Parameters.Add(_userIdMapping.CreateParameter(command, "user_id", Guid.Empty, nullable: false));
        return command;
    }

    private async Task<WalletAccount?> ReadAsync(DbCommand command, Guid userId, List<Data.Wallets.Wallet> wallets, CancellationToken cancellationToken)
    {
        using var timing = DatabaseTelemetry.Time(command);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, cancellationToken);
        WalletAccount? account = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            account ??= ReadAccount(reader, userId);
            if (ReadWallet(reader, account.Id) is { } wallet)
            {
                wallets.Add(wallet);
            }
        }

        return account;
    }

    /// <summary>Where a batched read's rows carry their user's id: after the account's and the wallet's columns.</summary>
    internal const int UserIdOrdinal = 12;

    internal string BatchSql => _batchSql ?? throw new InvalidOperationException("Only PostgreSQL reads accounts in batches.");

    // Apart from the multiplexed read: the factory captures this read, and a closure there would be allocated on every call.
    private AccountReadBatches Batches(DbDataSource source) => _batches.GetValue(source, source => new AccountReadBatches(source, this));

    /// <summary>The account of the reader's current row.</summary>
    internal WalletAccount ReadAccount(DbDataReader reader, Guid userId) => new()
    {
        Id = reader.GetGuid(0),
        UserId = userId,
        Username = reader.IsDBNull(1) ? null : reader.GetString(1),
        UsernameKey = reader.IsDBNull(2) ? null : reader.GetString(2),
        DefaultWalletId = reader.GetGuid(3),
        DisplayCurrency = reader.GetString(4),
        Level = reader.GetInt32(5),
        Status = reader.GetString(6),
        CreatedAt = ReadTimestamp(reader, 7, _accountCreatedAt),
    };

    /// <summary>The wallet of the reader's current row; null for an account without wallets.</summary>
    internal Data.Wallets.Wallet? ReadWallet(DbDataReader reader, Guid accountId) => reader.IsDBNull(8) ? null : new()
    {
        Id = reader.GetGuid(8),
        AccountId = accountId,
        Currency = reader.GetString(9),
        Balance = reader.GetInt64(10),
        CreatedAt = ReadTimestamp(reader, 11, _walletCreatedAt),
    };

    private static DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal, ValueConverter? converter) =>
        converter is null ? reader.GetFieldValue<DateTimeOffset>(ordinal) : (DateTimeOffset)converter.ConvertFromProvider(reader.GetValue(ordinal))!;
}
