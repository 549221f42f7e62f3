namespace Glint.Data.Postgres.Migrations;

/// <summary>
/// The identifiers of this provider's migrations, oldest first: a start compares them with the history table in one query
/// instead of asking EF Core, which builds a model of that table and reflects over this assembly to list them (about a
/// fifth of a start). KnownMigrationsTests fails while a migration is missing here.
/// </summary>
public static class KnownMigrations
{
    public static IReadOnlyList<string> Ids { get; } =
    [
        "20261129121005_Initial",
        "20261204191557_RecordedSettings",
        "20261205010105_CallbackEndpoints",
        "20261205010135_DropFlowVerifierColumns",
        "20261205034419_PriceHistory",
        "20261205034446_DeveloperApps",
        "20261205062241_AuditEvents",
        "20261205062411_PhoneSignIn",
        "20261205063422_AccountNotificationSettings",
        "20261205071155_AccountContactAliases",
        "20261208014642_JwtBearerTrusts",
    ];
}
