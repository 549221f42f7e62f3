namespace Glint.Callbacks.Delivery;

/// <summary>
/// When a failed delivery is tried again, after Svix's schedule: at once, then 5 seconds, 5 minutes, 30 minutes,
/// 2 hours, 5 hours, 10 hours and 10 hours later (8 attempts over about 27.5 hours), each delay stretched by up to a
/// tenth at random so that a recovering receiver is not hit by every retry at the same second. An endpoint failing
/// without a success for <see cref="DisableAfter"/> is disabled.
/// </summary>
public static class RetrySchedule
{
    private static readonly TimeSpan[] Delays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    public static readonly TimeSpan DisableAfter = TimeSpan.FromDays(5);

    /// <summary>How long an attempt may take: a 2xx answer within it is a success.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a claimed delivery stays claimed: past it, a node that died mid-attempt has left it to be tried
    /// again by any node.
    /// </summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    public static int MaxAttempts => Delays.Length + 1;

    /// <summary>When to try again after <paramref name="attempts"/> failed attempts; null once the schedule is spent.</summary>
    public static DateTimeOffset? NextAttempt(int attempts, DateTimeOffset failedAt)
    {
        if (attempts < 1 || attempts > Delays.Length)
        {
            return null;
        }

        var delay = Delays[attempts - 1];
        return failedAt + delay + delay * (Random.Shared.NextDouble() / 10);
    }
}
