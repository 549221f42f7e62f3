using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Glint.Wallets.Journal;

/// <summary>
/// A statement written with named parameters (<c>@id</c>) in PostgreSQL's own numbered form (<c>$1</c>), for the
/// payment batch: Npgsql sends a statement with numbered parameters as it is, where named ones have it parse and
/// rewrite every statement of every batch (a few percent of a payment's CPU). The statements' texts come in a few
/// shapes (they vary with the number of postings and notifications), so each shape is rewritten once and remembered;
/// a name used twice is one number used twice. Only what the text names is bound, in the order of its numbers.
/// </summary>
internal static class PositionalStatements
{
    // More shapes than the ledger writes; past it (a bug, or shapes nobody foresaw) statements are rewritten each time.
    private const int MaxShapes = 512;

    private static readonly ConcurrentDictionary<string, Positional> ByText = new(StringComparer.Ordinal);

    /// <summary>The numbered text and, for <c>$k</c>, the name bound to it at index <c>k - 1</c>.</summary>
    public sealed record Positional(string Text, IReadOnlyList<string> Names);

    public static Positional Of(string text)
    {
        if (ByText.TryGetValue(text, out var positional))
        {
            return positional;
        }

        positional = Rewrite(text);
        if (ByText.Count < MaxShapes)
        {
            ByText.TryAdd(text, positional);
        }

        return positional;
    }

    /// <summary>Adds the statement with numbered parameters (<see cref="PositionalStatements"/>): batches run on PostgreSQL only.</summary>
    public static DbBatchCommand Add(DbBatch batch, SqlStatement statement)
    {
        var command = batch.CreateBatchCommand();
        var positional = PositionalStatements.Of(statement.Text);
        command.CommandText = positional.Text;
        foreach (var name in positional.Names)
        {
            var value = ValueNamed(statement, name);
            var parameter = command.CreateParameter();
            parameter.Value = value.Value ?? DBNull.Value;
            parameter.DbType = value.Kind switch
            {
                ValueKind.Id => DbType.Guid,
                ValueKind.Time => DbType.DateTimeOffset,
                ValueKind.Text => DbType.String,
                _ => DbType.Int64,
            };
            command.Parameters.Add(parameter);
        }

        batch.BatchCommands.Add(command);
        return command;
    }

    private static SqlValue ValueNamed(SqlStatement statement, string name)
    {
        foreach (var value in statement.Values)
        {
            if (value.Name == name)
            {
                return value;
            }
        }

        throw new InvalidOperationException($"The statement names @{name} but binds no value to it.");
    }

    /// <summary>
    /// Replaces each <c>@name</c> outside quoted literals and identifiers with its number. The ledger's statements
    /// use no dollar quoting, comments or backslash-escaped strings, which this does not read.
    /// </summary>
    internal static Positional Rewrite(string text)
    {
        var sql = new StringBuilder(text.Length);
        var names = new List<string>();
        var quote = '\0';
        for (var index = 0; index < text.Length; index++)
        {
            var c = text[index];
            if (quote != '\0')
            {
                // A doubled quote inside a literal reads as one quote and leaves it open, as this does.
                quote = c == quote ? '\0' : quote;
                sql.Append(c);
                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                sql.Append(c);
                continue;
            }

            if (c != '@' || index + 1 == text.Length || !IsNameStart(text[index + 1]))
            {
                sql.Append(c);
                continue;
            }

            var end = index + 1;
            while (end < text.Length && IsNamePart(text[end]))
            {
                end++;
            }

            var name = text[(index + 1)..end];
            var number = names.IndexOf(name);
            if (number < 0)
            {
                names.Add(name);
                number = names.Count - 1;
            }

            sql.Append('$').Append((number + 1).ToString(CultureInfo.InvariantCulture));
            index = end - 1;
        }

        return new Positional(sql.ToString(), names);
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
