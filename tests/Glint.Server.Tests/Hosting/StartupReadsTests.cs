using Glint.Data;
using Glint.Data.Deployment;
using Glint.Data.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// What a node reads before it listens is read in plain SQL (<see cref="StartupReads"/>): it must read back exactly what
/// EF Core wrote and reads, on both databases, and only the rows asked for.
/// </summary>
public sealed class StartupReadsTests
{
    [Theory]
    [MemberData(nameof(MigratedDatabase.Kinds), MemberType = typeof(MigratedDatabase))]
    public async Task Rows_read_in_plain_SQL_are_the_rows_EF_Core_reads(DatabaseKind kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await MigratedDatabase.CreateAsync(kind, cancel);
        var db = database.Db;
        var created = new DateTimeOffset(2026, 12, 5, 21, 59, 58, 123, TimeSpan.Zero).AddTicks(4560); // PostgreSQL keeps microseconds
        db.SigningKeys.AddRange(
            new SigningKey { Id = "a", Algorithm = "RS256", SealedPrivateKey = [0, 1, 2, 255], CreatedAt = created },
            new SigningKey { Id = "b", Algorithm = "ES256", SealedPrivateKey = [], CreatedAt = created.AddDays(-1) });
        await db.SaveChangesAsync(cancel);

        var direct = await StartupReads.ReadAsync<SigningKey, SigningKey>(db,
            [nameof(SigningKey.Id), nameof(SigningKey.Algorithm), nameof(SigningKey.SealedPrivateKey), nameof(SigningKey.CreatedAt)],
            values => new SigningKey
            {
                Id = (string)values[0]!,
                Algorithm = (string)values[1]!,
                SealedPrivateKey = (byte[])values[2]!,
                CreatedAt = (DateTimeOffset)values[3]!,
            },
            keyProperty: null, key: null, cancel);
        var throughEf = await db.SigningKeys.AsNoTracking().ToListAsync(cancel);

        Assert.Equal(Describe(throughEf), Describe(direct));
        // As precise as each database stores it (SQLite's binary form keeps a tenth of a millisecond).
        Assert.Contains(direct, row => row.Id == "a" && Math.Abs((row.CreatedAt - created).TotalMilliseconds) < 1);
    }

    [Theory]
    [MemberData(nameof(MigratedDatabase.Kinds), MemberType = typeof(MigratedDatabase))]
    public async Task Only_the_row_with_the_key_is_read(DatabaseKind kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await MigratedDatabase.CreateAsync(kind, cancel);
        var db = database.Db;
        db.RecordedSettings.AddRange(
            new RecordedSetting { Name = RecordedSetting.Issuer, Value = "https://issuer.example/" },
            new RecordedSetting { Name = "other", Value = "not this one" });
        await db.SaveChangesAsync(cancel);

        Assert.Equal(["https://issuer.example/"], await ValuesAsync(db, RecordedSetting.Issuer, cancel));
        Assert.Empty(await ValuesAsync(db, "missing", cancel));
    }

    private static Task<List<string>> ValuesAsync(GlintDbContext db, string name, CancellationToken cancellationToken) =>
        StartupReads.ReadAsync<RecordedSetting, string>(db, [nameof(RecordedSetting.Value)], values => (string)values[0]!,
            nameof(RecordedSetting.Name), name, cancellationToken);

    private static List<string> Describe(IEnumerable<SigningKey> rows) => rows
        .OrderBy(row => row.Id, StringComparer.Ordinal)
        .Select(row => $"{row.Id} {row.Algorithm} {Convert.ToHexString(row.SealedPrivateKey)} {row.CreatedAt.UtcTicks} {row.CreatedAt.Offset}")
        .ToList();
}
