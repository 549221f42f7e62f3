using System.Globalization;
using System.Text;

namespace Glint.Auth.Clients;

/// <summary>
/// Go's duration syntax (<c>1h30m</c>, <c>3600s</c>, <c>1.5s</c>), which Hydra's client lifespans and configuration use.
/// Output is Go's canonical form (<c>1h0m0s</c>) so that Terraform sees no drift.
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, decimal Nanoseconds)[] Units =
    [
        ("ns", 1m), ("us", 1_000m), ("µs", 1_000m), ("μs", 1_000m), ("ms", 1_000_000m),
        ("s", 1_000_000_000m), ("m", 60_000_000_000m), ("h", 3_600_000_000_000m),
    ];

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var span = text.AsSpan();
        var negative = false;
        if (span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span.SequenceEqual("0"))
        {
            return true;
        }

        decimal total = 0;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !decimal.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            span = span[numberLength..];
            var matched = false;
            // Longest unit first, so that "ms" is not read as "m" followed by garbage.
            foreach (var (unit, nanoseconds) in Units.OrderByDescending(u => u.Unit.Length))
            {
                if (span.StartsWith(unit, StringComparison.Ordinal))
                {
                    if (value > long.MaxValue / nanoseconds)
                    {
                        // Beyond Go's range (about 292 years); also keeps the sum below decimal's own limit.
                        return false;
                    }

                    total += value * nanoseconds;
                    span = span[unit.Length..];
                    matched = true;
                    break;
                }
            }

            if (!matched || total > long.MaxValue)
            {
                return false;
            }
        }

        var ticks = (long)(total / 100m);
        duration = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            builder.Append('-');
            duration = duration.Negate();
        }

        var ticks = duration.Ticks;
        if (ticks < TimeSpan.TicksPerSecond)
        {
            // Go prints sub-second durations in the largest unit that keeps them above one.
            var nanoseconds = ticks * 100m;
            return builder.Append(nanoseconds >= 1_000_000m
                    ? Trim(nanoseconds / 1_000_000m) + "ms"
                    : nanoseconds >= 1_000m ? Trim(nanoseconds / 1_000m) + "µs" : Trim(nanoseconds) + "ns")
                .ToString();
        }

        var hours = ticks / TimeSpan.TicksPerHour;
        var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        var seconds = (decimal)(ticks % TimeSpan.TicksPerMinute) / TimeSpan.TicksPerSecond;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        return builder.Append(Trim(seconds)).Append('s').ToString();
    }

    private static string Trim(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
