using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Glint.Data.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> and <c>dbcontext optimize</c> build the SQLite model from the code without starting the server.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<GlintDbContext>
{
    public GlintDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<GlintDbContext>();
        SqliteDatabase.UseModelFromCode(options, DatabaseDsn.Parse("sqlite://design-time.db"));
        return new GlintDbContext(options.Options);
    }
}
