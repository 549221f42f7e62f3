using System.Globalization;

namespace Glint.Login.Web;

/// <summary>
/// A configured lifetime in the words the pages and emails use ("15 minutes", "an hour"), so that what they promise
/// follows the settings instead of the defaults.
/// </summary>
public static class Lifetimes
{
    public static string InWords(TimeSpan lifetime) =>
        Whole(lifetime, TimeSpan.TicksPerDay) is { } days ? Count(days, "a day", "days")
        : Whole(lifetime, TimeSpan.TicksPerHour) is { } hours ? Count(hours, "an hour", "hours")
        : Whole(lifetime, TimeSpan.TicksPerMinute) is { } minutes ? Count(minutes, "a minute", "minutes")
        : Count((long)Math.Ceiling(lifetime.TotalSeconds), "a second", "seconds");

    /// <summary>The lifetime as a whole number of units, when it is one.</summary>
    private static long? Whole(TimeSpan lifetime, long ticksPerUnit) =>
        lifetime.Ticks >= ticksPerUnit && lifetime.Ticks % ticksPerUnit == 0 ? lifetime.Ticks / ticksPerUnit : null;

    private static string Count(long count, string one, string many) =>
        count == 1 ? one : count.ToString(CultureInfo.InvariantCulture) + " " + many;
}
