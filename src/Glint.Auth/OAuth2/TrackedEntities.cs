using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Finds an entity the request's context already tracks, as the stores do before they query. EF Core's
/// <c>Entries</c> would first run DetectChanges, comparing every tracked entity with its snapshot; the stores match on
/// keys and references, which are never changed in place, so the scan without it finds what it would have found.
/// </summary>
internal static class TrackedEntities
{
    public static TEntity? Find<TEntity, TKey>(DbContext db, TKey key, Func<TEntity, TKey, bool> matches) where TEntity : class
    {
        var detectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in db.ChangeTracker.Entries<TEntity>())
            {
                if (matches(entry.Entity, key))
                {
                    return entry.Entity;
                }
            }

            return null;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
        }
    }

    /// <summary>
    /// The entity's entry without the DetectChanges EF Core's <c>Entry</c> runs on it first, for callers that set the
    /// entry's state and original values themselves right after (a redeemed token made unchanged, the navigations of a
    /// token just attached marked loaded): what detection would find is overwritten anyway, and it showed in the code exchange's
    /// profile.
    /// </summary>
    public static EntityEntry<TEntity> EntryOf<TEntity>(DbContext db, TEntity entity) where TEntity : class
    {
        var detectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return db.Entry(entity);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
        }
    }
}
