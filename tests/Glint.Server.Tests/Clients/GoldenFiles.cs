using System.Text.Json.Nodes;

namespace Glint.Server.Tests.Clients;

/// <summary>
/// Checked-in wire shapes under <c>Clients/Golden/</c>. A golden file is compared as indented JSON, so key order,
/// key set and every value must match. Set <c>GLINT_UPDATE_GOLDEN=1</c> to rewrite the files from what the server
/// answers (then review the diff before committing it).
/// </summary>
public static class GoldenFiles
{
    private const string Folder = "Golden";

    public static void AssertMatches(string name, JsonNode actual)
    {
        var text = ClientAdmin.Canonical(actual) + "\n";
        if (Environment.GetEnvironmentVariable("GLINT_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceFolder(), name), text);
        }

        var expected = JsonNode.Parse(File.ReadAllText(Locate(name)));
        Assert.Equal(ClientAdmin.Canonical(expected), ClientAdmin.Canonical(actual));
    }

    /// <summary>The build output's copy when the project copies it, else the file in the source tree.</summary>
    private static string Locate(string name)
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "Clients", Folder, name);
        return File.Exists(copied) ? copied : Path.Combine(SourceFolder(), name);
    }

    private static string SourceFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "Clients", Folder);
            if (File.Exists(Path.Combine(directory.FullName, "Glint.Server.Tests.csproj")) && Directory.Exists(candidate))
            {
                return candidate;
            }

            candidate = Path.Combine(directory.FullName, "tests", "Glint.Server.Tests", "Clients", Folder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No Clients/{Folder} folder found above {AppContext.BaseDirectory}.");
    }
}
