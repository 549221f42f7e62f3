namespace Glint.Data;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A database address in Hydra's DSN form: <c>sqlite://path</c> or <c>postgres://user:pass@host:port/db?…</c>.
/// </summary>
public sealed record DatabaseDsn(DatabaseKind Kind, string Target, IReadOnlyDictionary<string, string> Query)
{
    public static DatabaseDsn Parse(string dsn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dsn);
        var schemeEnd = dsn.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException("The DSN must start with sqlite:// or postgres:// (for example sqlite://glint.db).");
        }

        var scheme = dsn[..schemeEnd].ToLowerInvariant();
        var rest = dsn[(schemeEnd + 3)..];
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart < 0 ? new Dictionary<string, string>() : ParseQuery(rest[(queryStart + 1)..]);
        var target = queryStart < 0 ? rest : rest[..queryStart];

        return scheme switch
        {
            "sqlite" or "sqlite3" when target.Length > 0 => new DatabaseDsn(DatabaseKind.Sqlite, target, query),
            "sqlite" or "sqlite3" => throw new FormatException("The sqlite DSN has no file path (for example sqlite://glint.db)."),
            "postgres" or "postgresql" or "cockroach" => new DatabaseDsn(DatabaseKind.Postgres, dsn, query),
            _ => throw new FormatException($"Unsupported DSN scheme '{scheme}': use sqlite:// or postgres://."),
        };
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            result[key] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }

        return result;
    }
}
