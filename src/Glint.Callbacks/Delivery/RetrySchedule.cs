using System.Globalization;

namespace Glint.Callbacks.Delivery;

/// <summary>
/// When a failed delivery is tried again. The default is Svix's schedule: at once, then 5 seconds, 5 minutes,
/// 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours later (8 attempts over about 27.5 hours); the operator may set
/// another (<c>webhooks.retry_delays</c>, e.g. <c>5s,5m,30m</c>). Each delay is stretched by up to a tenth at random,
/// so that a recovering receiver is not hit by every retry at the same second.
/// </summary>
public sealed class RetrySchedule
{
    public const string SvixDelays = "5s,5m,30m,2h,5h,10h,10h";

    /// <summary>An endpoint failing without a success for this long is disabled.</summary>
    public static readonly TimeSpan DisableAfter = TimeSpan.FromDays(5);

    /// <summary>How long an attempt may take: a 2xx answer within it is a success.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a claimed delivery stays claimed: past it, a node that died mid-attempt has left it to be tried
    /// again by any node.
    /// </summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    private readonly TimeSpan[] _delays;

    public RetrySchedule(string delays) => _delays = Parse(delays);

    public int MaxAttempts => _delays.Length + 1;

    /// <summary>When to try again after <paramref name="attempts"/> failed attempts; null once the schedule is spent.</summary>
    public DateTimeOffset? NextAttempt(int attempts, DateTimeOffset failedAt)
    {
        if (attempts < 1 || attempts > _delays.Length)
        {
            return null;
        }

        var delay = _delays[attempts - 1];
        return failedAt + delay + delay * (Random.Shared.NextDouble() / 10);
    }

    /// <summary>Durations such as <c>5s</c>, <c>5m</c>, <c>2h</c>, separated by commas.</summary>
    public static TimeSpan[] Parse(string delays)
    {
        ArgumentNullException.ThrowIfNull(delays);
        var parsed = new List<TimeSpan>();
        foreach (var part in delays.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var unit = part[^1];
            if (!int.TryParse(part[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0 || unit is not ('s' or 'm' or 'h'))
            {
                throw new FormatException($"webhooks.retry_delays: '{part}' is not a duration such as 5s, 5m or 2h.");
            }

            parsed.Add(unit switch { 's' => TimeSpan.FromSeconds(count), 'm' => TimeSpan.FromMinutes(count), _ => TimeSpan.FromHours(count) });
        }

        return [.. parsed];
    }
}
