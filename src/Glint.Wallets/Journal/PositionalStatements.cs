using System.Data;
using System.Data.Common;
using Glint.Data;

namespace Glint.Wallets.Journal;

/// <summary>
/// The payment batch's statements in PostgreSQL's numbered form (<see cref="NumberedParameters"/>), bound from the
/// ledger's own statements: only what the text names is bound, in the order of its numbers.
/// </summary>
internal static class PositionalStatements
{
    /// <summary>Adds the statement with numbered parameters (<see cref="PositionalStatements"/>): batches run on PostgreSQL only.</summary>
    public static DbBatchCommand Add(DbBatch batch, SqlStatement statement)
    {
        var command = batch.CreateBatchCommand();
        var positional = NumberedParameters.Of(statement.Text);
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
}
