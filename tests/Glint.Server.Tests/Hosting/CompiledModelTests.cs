using Glint.Data;
using Glint.Data.Postgres;
using Glint.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// The server runs on EF Core compiled models (one per provider) instead of building the model at start. A compiled
/// model is generated code: when an entity, its configuration or a migration changes, it must be generated again
/// (<c>scripts/compiled-models</c>), and until then these tests fail on the provider whose model is stale.
/// </summary>
public sealed class CompiledModelTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_server_uses_the_compiled_model(string provider)
    {
        using var db = Open(provider, compiled: true);
        Assert.Same(CompiledModel(provider), db.Model);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_compiled_model_matches_the_model_built_from_the_code(string provider)
    {
        using var compiled = Open(provider, compiled: true);
        using var fromCode = Open(provider, compiled: false);
        Assert.NotSame(CompiledModel(provider), fromCode.Model);

        // The entities, properties, keys, indexes, relationships and their annotations (converters, column types, …)
        // as EF Core uses them, then the tables, columns and constraints the provider maps them to.
        AssertSameView(provider, "model", View(fromCode.Model), View(compiled.Model));
        AssertSameView(provider, "value conversions", Conversions(fromCode.Model), Conversions(compiled.Model));
        AssertSameView(provider, "relational model", fromCode.Model.GetRelationalModel().ToDebugString(MetadataDebugStringOptions.LongDefault),
            compiled.Model.GetRelationalModel().ToDebugString(MetadataDebugStringOptions.LongDefault));
    }

    private static string View(IModel model) => model.ToDebugString(MetadataDebugStringOptions.LongDefault);

    /// <summary>How each property is read and written, which the debug view leaves out: its converter and store type.</summary>
    private static string Conversions(IModel model) => string.Join('\n', model.GetEntityTypes()
        .OrderBy(entity => entity.Name, StringComparer.Ordinal)
        .SelectMany(entity => entity.GetProperties().Select(property => (entity, property, mapping: property.GetRelationalTypeMapping())))
        .Select(row => $"{row.entity.Name}.{row.property.Name}: {row.property.ClrType} stored as {row.mapping.StoreType} " +
            $"({row.mapping.Converter?.GetType().Name ?? "no converter"}, {row.mapping.Converter?.ProviderClrType ?? row.mapping.ClrType})"));

    private static void AssertSameView(string provider, string what, string expected, string actual)
    {
        if (expected == actual)
        {
            return;
        }

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = 0;
        while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
        {
            line++;
        }

        Assert.Fail(
            $"The {provider} compiled model no longer matches the {what} built from GlintDbContext's configuration: " +
            $"run scripts/compiled-models and commit what it generates. First difference, line {line + 1}: " +
            $"from the code \"{LineAt(expectedLines, line)}\", compiled \"{LineAt(actualLines, line)}\".");
    }

    private static string LineAt(string[] lines, int line) => line < lines.Length ? lines[line].Trim() : "(end)";

    private static IModel CompiledModel(string provider) => provider == "sqlite"
        ? Glint.Data.Sqlite.CompiledModel.GlintDbContextModel.Instance
        : Glint.Data.Postgres.CompiledModel.GlintDbContextModel.Instance;

    /// <summary>No connection is opened: the model is all these tests look at.</summary>
    private static GlintDbContext Open(string provider, bool compiled)
    {
        var options = new DbContextOptionsBuilder<GlintDbContext>();
        var dsn = DatabaseDsn.Parse(provider == "sqlite" ? "sqlite://compiled-model-check.db" : "postgres://glint@127.0.0.1:5432/glint");
        if (compiled)
        {
            Glint.Server.Hosting.Database.Use(options, dsn);
        }
        else if (provider == "sqlite")
        {
            SqliteDatabase.UseModelFromCode(options, dsn);
        }
        else
        {
            PostgresDatabase.UseModelFromCode(options, dsn);
        }

        return new GlintDbContext(options.Options);
    }
}
