namespace Glint.Lightning.Tests;

/// <summary>
/// The examples of the BOLT 11 specification, kept as test data in <c>TestData/bolt11-examples.tsv</c>: whether the
/// specification lists it as valid or invalid, its title, and the invoice.
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

    /// <summary>The specification's examples (section, title, invoice), kept in the repository as test data.</summary>
    private static (List<Example>, List<Example>) Read()
    {
        List<Example> valid = [], invalid = [];
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TestData", "bolt11-examples.tsv")))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            (fields[0] == "invalid" ? invalid : valid).Add(new Example(fields[1], fields[2]));
        }

        return (valid, invalid);
    }
}

internal sealed record Example(string Title, string Invoice)
{
    public override string ToString() => Title;
}
