using Glint.Auth.Clients;

namespace Glint.Auth.Flows;

/// <summary>
/// Hydra's <c>remember_for</c>: how many seconds a login session or a consent is remembered, 0 meaning no expiry (a
/// browser-session cookie for a login, a consent kept until it is revoked). Hydra takes any int64 and its own time
/// arithmetic overflows on huge ones; Glint takes 0 to <see cref="MaxSeconds"/> (ten years, the longest lifespan a
/// client may set) and refuses anything else with a 400, so that every expiry it computes is a real date. A value
/// sealed into a flow or stored with a consent before that bound existed is read without throwing: not positive is
/// no expiry, as Hydra reads it, and longer than the bound is the bound, which no user outlives in practice.
/// </summary>
public static class RememberPeriod
{
    public static readonly long MaxSeconds = (long)ClientLimits.MaxLifespan.TotalSeconds;

    /// <summary>Why <paramref name="seconds"/> cannot be <paramref name="field"/>, or null when it can.</summary>
    public static string? Refusal(string field, long seconds) =>
        seconds < 0 || seconds > MaxSeconds
            ? $"Field '{field}' must be a number of seconds from 0 to {MaxSeconds} (0: remembered without expiry)."
            : null;

    /// <summary>How long <paramref name="seconds"/> remembers, at most <see cref="MaxSeconds"/>; null for no expiry.</summary>
    public static TimeSpan? Lifetime(long seconds) => seconds > 0 ? TimeSpan.FromSeconds(Math.Min(seconds, MaxSeconds)) : null;
}
