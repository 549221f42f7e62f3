using System.Globalization;

namespace Glint.Server.Tests.Infrastructure;

/// <summary>Tests that measure the test process's memory (the server runs in it), so nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasured
{
    public const string Name = "memory bound";
}

/// <summary>This process's resident memory, from <c>/proc/self/status</c>.</summary>
public static class ProcessMemory
{
    /// <summary>
    /// Settles the heap and resets the kernel's peak (VmHWM) to the current resident size, so that <see cref="PeakKb"/>
    /// sees what happened after this call alone.
    /// </summary>
    public static (long BaselineKb, bool PeakReset) Baseline()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = StatusKb("VmRSS");
        return (baseline, TryResetPeak());
    }

    /// <summary>The peak resident size since <see cref="Baseline"/> (or the current one where the peak cannot be reset), in kB.</summary>
    public static long PeakKb(bool peakReset) => peakReset ? StatusKb("VmHWM") : StatusKb("VmRSS");

    private static long StatusKb(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>Writing 5 to clear_refs resets the peak (VmHWM) to the current resident size (Linux 4.0 and later).</summary>
    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
