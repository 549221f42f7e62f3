using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Glint.Auth.OAuth2;

/// <summary>
/// The write of a verifier's or a code's redemption, committed by <see cref="TokenWriter"/> in the transaction of a
/// group commit: its statements run in order. The first is the redemption itself, written so that it changes no row,
/// rather than fails, when the verifier or code was already redeemed (an insert that does nothing on conflict, or an
/// update guarded by a version): a redemption that loses the race loses alone, and the batch it rode in commits. The
/// rows it changed tell its request whether it won; the statements after it apply only after a redemption that went in.
/// <para>
/// Rows that a request may write only once its redemption won (the code a consent verifier is answered with, the
/// tokens a code is exchanged for) can ride in the same transaction (<see cref="TokenWriter.RedeemAsync(RedemptionWrite, IReadOnlyList{TokenEntry}, Glint.Data.Audit.AuditEvent?, CancellationToken)"/>):
/// each is inserted only where <see cref="WonWhen"/>'s condition holds, so the request waits for one commit, not
/// two, and a redemption that lost leaves none of them behind.
/// </para>
/// </summary>
/// <param name="redemption">The redemption's statement.</param>
/// <param name="contendedRow">The row the redemption races for (its table and key), by which a batch orders its
/// redemptions: two nodes that redeem the same two verifiers at once then lock their rows in the same order, where
/// opposite orders made PostgreSQL end one batch as a deadlock.</param>
public sealed class RedemptionWrite(string redemption, string contendedRow)
{
    private readonly List<string> _statements = [redemption];
    private readonly List<(string Name, RelationalTypeMapping Mapping, object? Value)> _parameters = [];

    /// <summary>The row the redemption races for, as <c>table/key</c>.</summary>
    internal string ContendedRow { get; } = contendedRow;

    /// <summary>A statement that follows the redemption, in the same transaction.</summary>
    public RedemptionWrite Then(string statement)
    {
        _statements.Add(statement);
        return this;
    }

    /// <summary>Binds <c>@name</c> in whichever statements use it, as EF Core stores the property's column (converter included).</summary>
    public RedemptionWrite Bind(IEntityType entity, string property, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(entity);
        _parameters.Add((name, entity.FindProperty(property)!.GetRelationalTypeMapping(), value));
        return this;
    }

    /// <summary>
    /// The condition, over this write's parameters, that holds once its redemption went in within the transaction
    /// (the row now carries the version or concurrency token this write set, which no other write knows).
    /// </summary>
    public RedemptionWrite WonWhen(string condition)
    {
        Guard = condition;
        return this;
    }

    internal string? Guard { get; private set; }

    internal int Count => _statements.Count;

    /// <summary>
    /// Statement <paramref name="index"/> as a command of <paramref name="connection"/>, with the parameters it uses
    /// (one statement a command: a batch tells each command's changed rows apart, and SQLite runs one at a time anyway).
    /// </summary>
    internal DbCommand Command(DbConnection connection, int index)
    {
        var command = connection.CreateCommand();
        command.CommandText = _statements[index];
        BindUsed(command);
        return command;
    }

    /// <summary>
    /// An insert of one row that applies only if this write's redemption went in: <paramref name="insert"/> is the
    /// statement's head (<c>INSERT INTO t (columns) </c>), <paramref name="values"/> adds the row's parameters to the
    /// command and returns their names, comma-separated.
    /// </summary>
    internal DbCommand GuardedInsert(DbConnection connection, string insert, Func<DbCommand, string> values)
    {
        var command = connection.CreateCommand();
        var names = values(command);
        command.CommandText = insert + "SELECT " + names + " WHERE " +
            (Guard ?? throw new InvalidOperationException("A redemption that rows depend on must say when it won (WonWhen)."));
        BindUsed(command);
        return command;
    }

    /// <summary>Adds the parameters that <paramref name="command"/>'s text names.</summary>
    private void BindUsed(DbCommand command)
    {
        foreach (var (name, mapping, value) in _parameters)
        {
            if (Uses(command.CommandText, name))
            {
                command.Parameters.Add(mapping.CreateParameter(command, name, value, nullable: true));
            }
        }
    }

    /// <summary>Whether <paramref name="sql"/> names <c>@name</c> itself, not a longer name it begins.</summary>
    private static bool Uses(string sql, string name)
    {
        var token = "@" + name;
        for (var at = sql.IndexOf(token, StringComparison.Ordinal); at >= 0; at = sql.IndexOf(token, at + 1, StringComparison.Ordinal))
        {
            var end = at + token.Length;
            if (end == sql.Length || !(char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                return true;
            }
        }

        return false;
    }
}
