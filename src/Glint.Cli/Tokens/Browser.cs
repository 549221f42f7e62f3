using System.ComponentModel;
using System.Diagnostics;

namespace Glint.Cli.Tokens;

/// <summary>
/// Opens a URL in the user's browser when there is one: never on a server without a display, where starting
/// xdg-open would only print errors (the URL is printed for the user in any case).
/// </summary>
internal static class Browser
{
    public static bool TryOpen(string url)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                using var shell = Process.Start(new ProcessStartInfo(url) { UseShellExecute = true });
                return true;
            }

            if (Opener() is not { } program)
            {
                return false;
            }

            var start = new ProcessStartInfo(program) { UseShellExecute = false };
            start.ArgumentList.Add(url);
            using var process = Process.Start(start);
            return process is not null;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }

    private static string? Opener()
    {
        if (OperatingSystem.IsMacOS())
        {
            return "open";
        }

        if (Environment.GetEnvironmentVariable("BROWSER") is { Length: > 0 } browser)
        {
            return browser.Split(':')[0];
        }

        var hasDisplay = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) ||
                         !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        return hasDisplay ? OnPath("xdg-open") : null;
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
