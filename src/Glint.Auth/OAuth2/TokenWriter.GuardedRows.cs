using System.Data.Common;
using Glint.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Glint.Auth.OAuth2;

public sealed partial class TokenWriter
{
    /// <summary>
    /// The inserts of the rows that depend on <paramref name="pending"/>'s redemption (see
    /// <see cref="RedeemAsync(RedemptionWrite, IReadOnlyList{TokenEntry}, Glint.Data.Audit.AuditEvent?, CancellationToken)"/>),
    /// one a row, each applying only where the redemption's condition holds. Their values are bound as EF Core stores
    /// each column: in an <c>INSERT … SELECT</c> PostgreSQL takes a parameter's type from the parameter, not from the
    /// column, so a null must already carry its column's type.
    /// </summary>
    private static IEnumerable<DbCommand> GuardedRows(DbConnection connection, AuditTable audit, Pending pending)
    {
        if (pending.Redemption is not { } redemption)
        {
            yield break;
        }

        if (pending.Guarded.Count > 0)
        {
            var tokens = TokenMappings.Of(audit.Model);
            for (var i = 0; i < pending.Guarded.Count; i++)
            {
                var values = Values(pending.Guarded[i]);
                var prefix = $"row{i}_";
                yield return redemption.GuardedInsert(connection, InsertToken, command =>
                {
                    var names = new string[values.Length];
                    for (var column = 0; column < values.Length; column++)
                    {
                        names[column] = "@" + prefix + column.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        command.Parameters.Add(tokens.Mappings[column].CreateParameter(command, names[column], values[column], nullable: true));
                    }

                    return string.Join(", ", names);
                });
            }
        }

        if (pending.GuardedAudit is { } row)
        {
            // Bind gives the row as "(@a, @b, …)"; a SELECT lists the same names bare.
            yield return redemption.GuardedInsert(connection, audit.Head, command => audit.Bind(command, row, "@audit_row_")[1..^1]);
        }
    }

    /// <summary>Each token column's type mapping, in the order of <see cref="TokenColumns"/>, for the model in use.</summary>
    private sealed record TokenMappings(IModel Model, RelationalTypeMapping[] Mappings)
    {
        private static TokenMappings? _known;

        public static TokenMappings Of(IModel model)
        {
            // One model a process, but each provider has its own mappings (the tests run both in one process).
            if (_known is { } known && ReferenceEquals(known.Model, model))
            {
                return known;
            }

            var properties = model.FindEntityType(typeof(OAuthToken))!.GetProperties().ToDictionary(property => property.GetColumnName(), StringComparer.Ordinal);
            return _known = new TokenMappings(model, [.. TokenColumns.Select(column => properties[column].GetRelationalTypeMapping())]);
        }
    }
}
