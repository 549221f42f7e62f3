using System.Runtime.InteropServices;

namespace Glint.Server.Hosting;

/// <summary>
/// Keeps glibc's malloc from holding on to freed native memory. SQLite, OpenSSL and the runtime itself (its JIT above
/// all) allocate natively on many threads. By default glibc gives threads that allocate at the same time arenas of
/// their own, up to eight a core, each keeping its freed memory for reuse, and it raises its threshold for serving
/// large blocks from fresh mappings (returned on free) up to 32 MB once a large block has been freed, after which
/// such blocks stay in the arenas too. After the bench's scenarios the process held about fifteen arenas with some
/// 40–55 MB resident. An operator's own <c>MALLOC_ARENA_MAX</c> / <c>MALLOC_MMAP_THRESHOLD_</c> (or glibc tunables) win.
/// </summary>
public static class MallocArenas
{
    /// <summary>mallopt's M_ARENA_MAX and M_MMAP_THRESHOLD (glibc's malloc.h).</summary>
    private const int ArenaMax = -8, MmapThreshold = -3;

    /// <summary>glibc's initial threshold, kept fixed.</summary>
    private const int MmapThresholdBytes = 128 * 1024;

    /// <summary>
    /// One arena a core, and blocks of 128 KB and more always in mappings of their own; call it first thing, before
    /// the process starts threads of its own (arenas created before stay). Returns whether both are in place (false
    /// off glibc, or when the operator set either).
    /// </summary>
    public static bool Limit()
    {
        if (!OperatingSystem.IsLinux() || OperatorSet("MALLOC_ARENA_MAX", "arena_max") || OperatorSet("MALLOC_MMAP_THRESHOLD_", "mmap_threshold"))
        {
            return false;
        }

        try
        {
            return Mallopt(ArenaMax, Math.Max(2, Environment.ProcessorCount)) == 1 && Mallopt(MmapThreshold, MmapThresholdBytes) == 1;
        }
        catch (Exception missing) when (missing is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc.
            return false;
        }
    }

    private static bool OperatorSet(string variable, string tunable) =>
        Environment.GetEnvironmentVariable(variable) is not null ||
        Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains(tunable, StringComparison.Ordinal) == true;

    // DllImport: LibraryImport would need unsafe code in the server project, for a call with no marshalling at all.
    [DllImport("libc", EntryPoint = "mallopt", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mallopt(int parameter, int value);
}
