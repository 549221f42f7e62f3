using System.Collections;

namespace Glint.Server.Hosting;

public static class GlintConfiguration
{
    /// <summary>
    /// appsettings.json, then environment variables, then command-line flags: each later source wins.
    /// <paramref name="environment"/> is injectable so tests never depend on the machine's variables.
    /// </summary>
    public static IConfiguration Build(IReadOnlyDictionary<string, string?> flags, IDictionary? environment = null, string? directory = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        var fromEnvironment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, names) in ConfigurationKeys.EnvironmentVariables)
        {
            foreach (var name in names)
            {
                if (environment[name] is string value && value.Length > 0)
                {
                    fromEnvironment[key] = value;
                }
            }
        }

        return new ConfigurationBuilder()
            .SetBasePath(directory ?? Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddInMemoryCollection(fromEnvironment)
            .AddInMemoryCollection(flags.Where(flag => flag.Value is not null))
            .Build();
    }
}
