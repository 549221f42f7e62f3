namespace Glint.Data.Sqlite.Migrations;

/// <summary>
/// The identifiers of this provider's migrations, oldest first: a start compares them with the history table in one query
/// instead of asking EF Core, which builds a model of that table and reflects over this assembly to list them (about a
/// fifth of a start). KnownMigrationsTests fails while a migration is missing here.
/// </summary>
public static class KnownMigrations
{
    public static IReadOnlyList<string> Ids { get; } =
    [
        "20261129120952_Initial",
        "20261204191532_RecordedSettings",
        "20261205010037_CallbackEndpoints",
        "20261205010117_DropFlowVerifierColumns",
        "20261205034338_PriceHistory",
        "20261205034421_DeveloperApps",
        "20261205062209_AuditEvents",
        "20261205062335_PhoneSignIn",
        "20261205063309_AccountNotificationSettings",
        "20261205071052_AccountContactAliases",
        "20261208014623_JwtBearerTrusts",
    ];
}
