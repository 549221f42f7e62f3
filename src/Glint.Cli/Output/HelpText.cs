namespace Glint.Cli.Output;

/// <summary>A command's description for <c>--help</c>: what it does, then an example to copy.</summary>
public static class HelpText
{
    public static string WithExample(string description, string example) => $"{description}\n\nExample:\n  {example}";
}
