using System.Diagnostics.Metrics;

namespace Glint.Login;

/// <summary>The login app's metrics (meter <c>Glint.Login</c>) and its log event ids, 4400–4499.</summary>
public static class LoginTelemetry
{
    public const string Name = "Glint.Login";
    public const int FirstEventId = 4400;
    public const int LastEventId = 4499;

    private static readonly Meter Meter = new(Name);

    /// <summary>
    /// Code and TOTP steps checked, by <c>outcome</c>: login.succeeded, login.failed, login.locked_out, or
    /// login.totp_required (a right code that still needs the second factor).
    /// </summary>
    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>("glint.login.attempts", "{attempt}", "Login steps checked, by outcome");

    internal static void Count(string outcome) => Attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
