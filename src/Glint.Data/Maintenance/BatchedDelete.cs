using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Glint.Data.Maintenance;

/// <summary>How much one janitor pass may delete from a table, and how many rows one statement deletes.</summary>
public sealed record DeleteBounds(int Limit, int BatchSize);

/// <summary>
/// Deletes dead rows by primary key in small batches: each batch finds up to <see cref="DeleteBounds.BatchSize"/> dead
/// rows and deletes those still dead, so several janitors on one database only ever compete for the same rows, no
/// statement holds its locks for long, and a pass ends when it finds none left.
/// </summary>
public static class BatchedDelete
{
    public static async Task<int> DeleteDeadAsync<TRow, TKey>(
        this DbSet<TRow> rows, Expression<Func<TRow, TKey>> key, Expression<Func<TRow, bool>> dead, DeleteBounds bounds,
        CancellationToken cancellationToken)
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(bounds);
        var deleted = 0;
        var examined = 0;
        while (examined < bounds.Limit)
        {
            var batch = await rows.AsNoTracking().Where(dead).OrderBy(key).Select(key)
                .Take(Math.Min(bounds.BatchSize, bounds.Limit - examined)).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            examined += batch.Count;
            // The condition is asked again: a row that came back to life since it was found is kept.
            deleted += await rows.Where(dead).Where(In(key, batch)).ExecuteDeleteAsync(cancellationToken);
        }

        return deleted;
    }

    private static Expression<Func<TRow, bool>> In<TRow, TKey>(Expression<Func<TRow, TKey>> key, List<TKey> keys)
    {
        var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TKey)], Expression.Constant(keys), key.Body);
        return Expression.Lambda<Func<TRow, bool>>(contains, key.Parameters);
    }
}
