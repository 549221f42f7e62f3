using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Glint.Data;

/// <summary>
/// The few rows a node reads before it listens (the recorded issuer, the signing keys, the Lightning node's key), read
/// in plain SQL with the table and column names taken from the model. EF Core's first LINQ query builds its whole query
/// pipeline, about a fifth of a start, only to read a row or two here; the warm-up that follows the first ready answer
/// pays for it instead, off the start. Everything else reads through LINQ.
/// </summary>
public static class StartupReads
{
    /// <summary>
    /// The rows of <typeparamref name="TEntity"/>'s table, as <paramref name="read"/> makes them from the values of
    /// <paramref name="properties"/> (in that order, converted as EF Core converts them), optionally only those whose
    /// <paramref name="keyProperty"/> equals <paramref name="key"/>.
    /// </summary>
    public static async Task<List<TRow>> ReadAsync<TEntity, TRow>(
        GlintDbContext db, string[] properties, Func<object?[], TRow> read, string? keyProperty, object? key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(read);
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        IProperty Property(string name) => entity.FindProperty(name) ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{name} is not in the model.");
        string Column(string name) => Quote(Property(name).GetColumnName());
        var columns = properties.Select(Property).ToArray();

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT {string.Join(", ", properties.Select(Column))} FROM {Table(entity)}";
            if (keyProperty is not null)
            {
                command.CommandText += $" WHERE {Column(keyProperty)} = @key";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "key";
                parameter.Value = key ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            var rows = new List<TRow>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object?[columns.Length];
                for (var i = 0; i < columns.Length; i++)
                {
                    values[i] = Value(reader, i, columns[i]);
                }

                rows.Add(read(values));
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A column's value as the model's property holds it: through the property's converter when it has one.</summary>
    private static object? Value(DbDataReader reader, int ordinal, IProperty property)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        if (property.GetTypeMapping().Converter is { } converter)
        {
            var stored = reader.GetValue(ordinal);
            return converter.ConvertFromProvider(stored.GetType() == converter.ProviderClrType
                ? stored
                : Convert.ChangeType(stored, converter.ProviderClrType, System.Globalization.CultureInfo.InvariantCulture));
        }

        // PostgreSQL's timestamptz reads as a DateTime unless asked for what the model holds.
        return property.ClrType == typeof(DateTimeOffset) ? reader.GetFieldValue<DateTimeOffset>(ordinal) : reader.GetValue(ordinal);
    }

    private static string Table(IEntityType entity) =>
        entity.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(entity.GetTableName()!)}" : Quote(entity.GetTableName()!);

    /// <summary>Both SQLite and PostgreSQL quote identifiers with double quotes (the model's names have none).</summary>
    private static string Quote(string identifier) => '"' + identifier + '"';
}
