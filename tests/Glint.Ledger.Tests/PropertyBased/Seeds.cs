using System.Globalization;
using Xunit.Sdk;

namespace Glint.Ledger.Tests.PropertyBased;

/// <summary>
/// Runs a property once per seed. The seeds are fixed (1 to N) so a run is reproducible; a failure names its seed, and
/// <c>GLINT_LEDGER_SEED=&lt;seed&gt;</c> reruns that one seed alone.
/// </summary>
internal static class Seeds
{
    private const string SeedVariable = "GLINT_LEDGER_SEED";

    public static async Task ForEachAsync(int count, Func<int, Task> property)
    {
        foreach (var seed in Chosen(count))
        {
            try
            {
                await property(seed);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                throw new XunitException($"The property failed for seed {seed}; rerun it alone with {SeedVariable}={seed}.", failure);
            }
        }
    }

    public static Task ForEachAsync(int count, Action<int> property) =>
        ForEachAsync(count, seed =>
        {
            property(seed);
            return Task.CompletedTask;
        });

    private static IEnumerable<int> Chosen(int count) =>
        Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } one
            ? [int.Parse(one, CultureInfo.InvariantCulture)]
            : Enumerable.Range(1, count);
}
