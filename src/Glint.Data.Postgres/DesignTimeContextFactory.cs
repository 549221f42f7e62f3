using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Glint.Data.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> and <c>dbcontext optimize</c> build the PostgreSQL model from the code without a running server.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<GlintDbContext>
{
    public GlintDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<GlintDbContext>();
        PostgresDatabase.UseModelFromCode(options, DatabaseDsn.Parse("postgres://glint:glint@127.0.0.1:5432/glint"));
        return new GlintDbContext(options.Options);
    }
}
