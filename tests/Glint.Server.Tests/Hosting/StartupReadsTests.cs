using Glint.Auth.Jwk;
using Glint.Data;
using Glint.Data.Deployment;
using Glint.Data.OAuth;
using Glint.Data.Wallets;
using Glint.Server.Hosting;
using Glint.Wallets.Lightning;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// What a node reads before it listens is read in plain SQL over a plain connection (<see cref="StartupReads"/>), with
/// the tables and columns named by hand: each of a start's reads must read back exactly what EF Core wrote and reads,
/// on both databases, and only the rows asked for.
/// </summary>
public sealed class StartupReadsTests
{
    [Theory]
    [MemberData(nameof(MigratedDatabase.Kinds), MemberType = typeof(MigratedDatabase))]
    public async Task The_signing_keys_read_in_plain_SQL_are_the_rows_EF_Core_reads(DatabaseKind kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await MigratedDatabase.CreateAsync(kind, cancel);
        var db = database.Db;
        var created = new DateTimeOffset(2026, 12, 5, 21, 59, 58, 123, TimeSpan.Zero).AddTicks(4560); // PostgreSQL keeps microseconds
        db.SigningKeys.AddRange(
            new SigningKey { Id = "a", Algorithm = "RS256", SealedPrivateKey = [0, 1, 2, 255], CreatedAt = created },
            new SigningKey { Id = "b", Algorithm = "ES256", SealedPrivateKey = [], CreatedAt = created.AddDays(-1) });
        await db.SaveChangesAsync(cancel);

        await using var startup = Database.OpenStartup(database.Dsn);
        var direct = await SigningKeyRing.ReadAllAsync(startup, cancel);
        var throughEf = await db.SigningKeys.AsNoTracking().ToListAsync(cancel);

        Assert.Equal(Describe(throughEf), Describe(direct));
        // As precise as each database stores it (SQLite's binary form keeps a tenth of a millisecond).
        Assert.Contains(direct, row => row.Id == "a" && Math.Abs((row.CreatedAt - created).TotalMilliseconds) < 1);
    }

    [Theory]
    [MemberData(nameof(MigratedDatabase.Kinds), MemberType = typeof(MigratedDatabase))]
    public async Task Only_the_recorded_issuer_is_read(DatabaseKind kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await MigratedDatabase.CreateAsync(kind, cancel);
        await using var startup = Database.OpenStartup(database.Dsn);
        Assert.Null(await RecordedIssuer.ReadAsync(startup, cancel));

        database.Db.RecordedSettings.AddRange(
            new RecordedSetting { Name = "other", Value = "not this one" },
            new RecordedSetting { Name = RecordedSetting.Issuer, Value = "https://issuer.example/" });
        await database.Db.SaveChangesAsync(cancel);

        Assert.Equal("https://issuer.example/", await RecordedIssuer.ReadAsync(startup, cancel));
    }

    [Theory]
    [MemberData(nameof(MigratedDatabase.Kinds), MemberType = typeof(MigratedDatabase))]
    public async Task The_node_key_and_the_login_key_ring_read_in_plain_SQL_are_what_EF_Core_wrote(DatabaseKind kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await MigratedDatabase.CreateAsync(kind, cancel);
        await using var startup = Database.OpenStartup(database.Dsn);
        Assert.Null(await LightningNode.ReadKeyAsync(startup, cancel));
        Assert.Empty(await GlintHost.LoginKeyIdsAsync(startup.Connection, cancel));

        var db = database.Db;
        db.LightningNodeKeys.Add(new LightningNodeKey { Id = "someone else's", SealedPrivateKey = [9], CreatedAt = DateTimeOffset.UnixEpoch });
        db.LightningNodeKeys.Add(new LightningNodeKey { Id = LightningNodeKey.CurrentId, SealedPrivateKey = [1, 2, 3], CreatedAt = DateTimeOffset.UnixEpoch });
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "key", Xml = "<key />" });
        await db.SaveChangesAsync(cancel);

        Assert.Equal([1, 2, 3], await LightningNode.ReadKeyAsync(startup, cancel));
        Assert.Equal(await db.DataProtectionKeys.Select(key => key.Id).ToListAsync(cancel), await GlintHost.LoginKeyIdsAsync(startup.Connection, cancel));
    }

    private static List<string> Describe(IEnumerable<SigningKey> rows) => rows
        .OrderBy(row => row.Id, StringComparer.Ordinal)
        .Select(row => $"{row.Id} {row.Algorithm} {Convert.ToHexString(row.SealedPrivateKey)} {row.CreatedAt.UtcTicks} {row.CreatedAt.Offset}")
        .ToList();
}
