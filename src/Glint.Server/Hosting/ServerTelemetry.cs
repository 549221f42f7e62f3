namespace Glint.Server.Hosting;

/// <summary>
/// The host's log event ids, 5200–5499: start-up and warm-up (5200–5399) and the janitor (5400–5499). Its metrics and
/// traces are ASP.NET Core's and the capabilities' (see <see cref="TelemetrySetup"/>).
/// </summary>
public static class ServerTelemetry
{
    public const int FirstEventId = 5200;
    public const int LastEventId = 5499;
}
