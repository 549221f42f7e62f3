using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Glint.Data;

/// <summary>
/// The few rows a node reads before it listens (the recorded issuer, the signing keys, the Lightning node's key, whether
/// the login key ring has a key), read in plain SQL over a plain connection (<see cref="StartupDatabase"/>): EF Core's
/// context, model and query pipeline are built by the warm-up after the first ready answer instead. Callers name the
/// model's tables (the constants its configuration uses) and columns (named after their properties);
/// StartupReadsTests reads each of a start's reads back against EF Core on both databases.
/// </summary>
public static class StartupReads
{
    /// <summary>
    /// The rows of <paramref name="table"/>, made by <paramref name="read"/> from a reader whose fields are
    /// <paramref name="columns"/> in that order, optionally only those whose <paramref name="keyColumn"/> equals
    /// <paramref name="key"/>.
    /// </summary>
    public static async Task<List<TRow>> ReadAsync<TRow>(
        DbConnection connection, string table, string[] columns, Func<DbDataReader, TRow> read, string? keyColumn, object? key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(read);
        if (connection.State != ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(Quote))} FROM {Quote(table)}";
        if (keyColumn is not null)
        {
            command.CommandText += $" WHERE {Quote(keyColumn)} = @key";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "key";
            parameter.Value = key ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        var rows = new List<TRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// A <see cref="DateTimeOffset"/> as the model stores it: PostgreSQL's <c>timestamptz</c>, or on SQLite the
    /// binary form <see cref="GlintDbContext"/> converts it to (an integer; text would not compare in order).
    /// </summary>
    public static DateTimeOffset Timestamp(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetFieldType(ordinal) == typeof(long)
            ? (DateTimeOffset)BinaryTimestamps.ConvertFromProvider(reader.GetInt64(ordinal))!
            : reader.GetFieldValue<DateTimeOffset>(ordinal);
    }

    private static readonly DateTimeOffsetToBinaryConverter BinaryTimestamps = new();

    /// <summary>Both SQLite and PostgreSQL quote identifiers with double quotes (the model's names have none).</summary>
    private static string Quote(string identifier) => '"' + identifier + '"';
}
