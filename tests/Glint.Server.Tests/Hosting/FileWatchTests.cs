using System.Diagnostics;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// A running node watches no file in its working directory: a SQLite database usually lives there, and a watch there
/// wakes up on every write to it. The watches are the whole process's, so the test runs alone: the other tests' fake
/// services (a callback receiver, a price feed) are hosts that do watch it.
/// </summary>
[Collection(ProcessWatchesCounted.Name)]
public sealed class FileWatchTests
{
    [Fact]
    public async Task A_started_node_does_not_watch_its_working_directory()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads the process's inotify watches from /proc.");
        await using var server = new SqliteServerFixture();
        await server.InitializeAsync();
        var contentRoot = server.Services.GetRequiredService<IHostEnvironment>().ContentRootPath;

        var inode = await InodeAsync(contentRoot);

        Assert.DoesNotContain(WatchedInodes(), watched => watched == inode);
    }

    /// <summary>The inodes every inotify instance of this process watches, from <c>/proc/self/fdinfo</c>.</summary>
    private static List<long> WatchedInodes()
    {
        var inodes = new List<long>();
        foreach (var fd in Directory.EnumerateFiles("/proc/self/fdinfo"))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(fd);
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }

            foreach (var line in lines.Where(line => line.StartsWith("inotify wd:", StringComparison.Ordinal)))
            {
                var field = line.Split(' ').First(part => part.StartsWith("ino:", StringComparison.Ordinal));
                inodes.Add(Convert.ToInt64(field["ino:".Length..], 16));
            }
        }

        return inodes;
    }

    private static async Task<long> InodeAsync(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var output = await stat.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await stat.WaitForExitAsync(TestContext.Current.CancellationToken);
        return long.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWatchesCounted
{
    public const string Name = "process watches counted";
}
