using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Glint.Data;

/// <summary>
/// Statements written with named parameters (<c>@id</c>), sent to PostgreSQL in its own numbered form (<c>$1</c>).
/// Npgsql sends a statement whose parameters are all unnamed as it is; with named ones it parses the text, looks each
/// name up and rewrites the statement on every run (about 2 % of a code flow's CPU on PostgreSQL, and a few per cent of
/// what it allocates). The hot paths' statements come in a few shapes, so each text is rewritten once and remembered;
/// a name used twice is one number used twice. SQLite takes the names as they are: callers number PostgreSQL's
/// statements only.
/// </summary>
public static class NumberedParameters
{
    // More shapes than Glint's hot paths write; past it (a bug, or shapes nobody foresaw) texts are rewritten each time.
    private const int MaxShapes = 512;

    private static readonly ConcurrentDictionary<string, Numbered> ByText = new(StringComparer.Ordinal);

    /// <summary>The numbered text and, for <c>$k</c>, the name bound to it at index <c>k - 1</c>.</summary>
    public sealed record Numbered(string Text, IReadOnlyList<string> Names);

    /// <summary><paramref name="text"/> numbered, remembered by its text.</summary>
    public static Numbered Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (ByText.TryGetValue(text, out var numbered))
        {
            return numbered;
        }

        numbered = Rewrite(text);
        if (ByText.Count < MaxShapes)
        {
            ByText.TryAdd(text, numbered);
        }

        return numbered;
    }

    /// <summary>
    /// Numbers <paramref name="command"/> in place: its text numbered, and the parameters its text names in the order
    /// of their numbers, unnamed. A command whose parameters are already unnamed is left as it is.
    /// </summary>
    public static void Number(DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Parameters.Count == 0 || IsUnnamed(command.Parameters[0]))
        {
            return;
        }

        var named = new DbParameter[command.Parameters.Count];
        command.Parameters.CopyTo(named, 0);
        command.Parameters.Clear();
        var numbered = Of(command.CommandText);
        command.CommandText = numbered.Text;
        foreach (var parameter in InNumberOrder(numbered, named))
        {
            command.Parameters.Add(parameter);
        }
    }

    /// <summary>
    /// Sets <paramref name="statement"/> to <paramref name="text"/> numbered, with those of <paramref name="parameters"/>
    /// that the text names, in the order of their numbers and unnamed; parameters already unnamed go as they are, with
    /// the text, which then must be numbered already.
    /// </summary>
    public static void Number(DbBatchCommand statement, string text, IReadOnlyList<DbParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0 || IsUnnamed(parameters[0]))
        {
            statement.CommandText = text;
            foreach (var parameter in parameters)
            {
                statement.Parameters.Add(parameter);
            }

            return;
        }

        var numbered = Of(text);
        statement.CommandText = numbered.Text;
        foreach (var parameter in InNumberOrder(numbered, parameters))
        {
            statement.Parameters.Add(parameter);
        }
    }

    /// <summary>
    /// Replaces each <c>@name</c> outside quoted literals and identifiers with its number. Glint's statements use no
    /// dollar quoting, comments or backslash-escaped strings, which this does not read.
    /// </summary>
    public static Numbered Rewrite(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
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

        return new Numbered(sql.ToString(), names);
    }

    /// <summary>
    /// The parameters <paramref name="numbered"/> names, in the order of their numbers, unnamed. They usually come in
    /// that order already (the statements are written as they bind), so each name is looked for from where the
    /// previous one was found.
    /// </summary>
    private static DbParameter[] InNumberOrder(Numbered numbered, IReadOnlyList<DbParameter> named)
    {
        var ordered = new DbParameter[numbered.Names.Count];
        var next = 0;
        for (var number = 0; number < ordered.Length; number++)
        {
            var name = numbered.Names[number];
            var found = -1;
            for (var seen = 0; seen < named.Count && found < 0; seen++)
            {
                var candidate = (next + seen) % named.Count;
                if (NameOf(named[candidate]).Equals(name, StringComparison.Ordinal))
                {
                    found = candidate;
                }
            }

            if (found < 0)
            {
                throw new InvalidOperationException($"The statement names @{name} but binds no value to it.");
            }

            ordered[number] = named[found];
            next = found + 1;
        }

        foreach (var parameter in ordered)
        {
            parameter.ParameterName = "";
        }

        return ordered;
    }

    private static bool IsUnnamed(DbParameter parameter) => string.IsNullOrEmpty(parameter.ParameterName);

    private static ReadOnlySpan<char> NameOf(DbParameter parameter) =>
        parameter.ParameterName.AsSpan().TrimStart('@');

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
