using Glint.Server.Hosting;

namespace Glint.Server.Tests.Hosting;

/// <summary>The server limits glibc's malloc when it starts (Program.cs), unless the operator set its own limits.</summary>
public sealed class MallocArenasTests
{
    [Fact]
    public void On_glibc_the_limits_are_set_unless_the_operator_set_them()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.ReadLines("/proc/self/maps").Any(line => line.Contains("/libc.so.6", StringComparison.Ordinal)),
            "Limits glibc's malloc only.");
        var operatorSet = new[] { "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_" }.Any(variable => Environment.GetEnvironmentVariable(variable) is not null) ||
            Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is { } tunables && (tunables.Contains("arena_max", StringComparison.Ordinal) || tunables.Contains("mmap_threshold", StringComparison.Ordinal));

        Assert.Equal(!operatorSet, MallocArenas.Limit());
    }
}
