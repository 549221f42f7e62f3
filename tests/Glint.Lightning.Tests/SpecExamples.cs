namespace Glint.Lightning.Tests;

/// <summary>
/// The examples of <c>shared/reference/bolt11-payment-encoding.md</c> beside the repository, read at test time: each
/// one is a quoted heading followed by the invoice. Those after "Examples of Invalid Invoices" are the invalid ones.
/// </summary>
internal static class SpecExamples
{
    /// <summary>The key the specification signs every example with, and its public key.</summary>
    public const string PrivateKey = "e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734";
    public const string PayeeNodeId = "03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad";

    private static readonly Lazy<(List<Example> Valid, List<Example> Invalid)> All = new(Read);

    public static IReadOnlyList<Example> Valid => All.Value.Valid;

    public static IReadOnlyList<Example> Invalid => All.Value.Invalid;

    public static Example Titled(string start) =>
        Valid.Concat(Invalid).Single(example => example.Title.StartsWith(start, StringComparison.Ordinal));

    private static (List<Example>, List<Example>) Read()
    {
        var lines = File.ReadAllLines(SpecPath());
        List<Example> valid = [], invalid = [];
        var inInvalid = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("# Examples of Invalid Invoices", StringComparison.Ordinal))
            {
                inInvalid = true;
            }

            if (!lines[i].StartsWith("> #", StringComparison.Ordinal))
            {
                continue;
            }

            var title = lines[i].TrimStart('>', ' ', '#');
            // The invoice is the next line with content (one example lost its quote marker).
            var invoice = lines.Skip(i + 1).Select(line => line.TrimStart('>').Trim()).First(line => line.Length > 0);
            (inInvalid ? invalid : valid).Add(new Example(title, invoice));
        }

        return (valid, invalid);
    }

    private static string SpecPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Glint.slnx")))
        {
            directory = directory.Parent;
        }

        Assert.True(directory is not null, $"No Glint.slnx above {AppContext.BaseDirectory}: cannot find the repository root.");
        var path = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "reference", "bolt11-payment-encoding.md"));
        Assert.True(File.Exists(path), $"The BOLT 11 specification is missing: expected {path} (the shared/ folder beside the repository).");
        return path;
    }
}

internal sealed record Example(string Title, string Invoice)
{
    public override string ToString() => Title;
}
