namespace Glint.Ledger.Storage;

public enum PageDirection
{
    /// <summary>From the cursor (or from the newest entry) towards older entries: GraphQL's <c>first</c>/<c>after</c>.</summary>
    Older = 1,

    /// <summary>
    /// From the cursor (or from the oldest entry) towards newer entries, the closest to the cursor first: GraphQL's
    /// <c>last</c>/<c>before</c>. The page itself is still returned newest first.
    /// </summary>
    Newer = 2,
}
