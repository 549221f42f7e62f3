using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Glint.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DeveloperApps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PreviousSecret",
                table: "oauth2_clients",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PreviousSecretExpiresAt",
                table: "oauth2_clients",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SuspendedAt",
                table: "oauth2_clients",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "app_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AppId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_app_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "apps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    HomepageUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    LogoUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    PrivacyUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    TermsUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ContactEmail = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    RedirectUris = table.Column<string>(type: "TEXT", nullable: false),
                    Scopes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    AuthMethod = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StatusMessage = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PendingRedirectUris = table.Column<string>(type: "TEXT", nullable: true),
                    PendingScopes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    SealedSecret = table.Column<byte[]>(type: "BLOB", maxLength: 128, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_apps", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_app_events_Actor_Action_At",
                table: "app_events",
                columns: new[] { "Actor", "Action", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_app_events_AppId_Id",
                table: "app_events",
                columns: new[] { "AppId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_apps_ClientId",
                table: "apps",
                column: "ClientId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_apps_Status_CreatedAt",
                table: "apps",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_apps_Subject",
                table: "apps",
                column: "Subject");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "app_events");

            migrationBuilder.DropTable(
                name: "apps");

            migrationBuilder.DropColumn(
                name: "PreviousSecret",
                table: "oauth2_clients");

            migrationBuilder.DropColumn(
                name: "PreviousSecretExpiresAt",
                table: "oauth2_clients");

            migrationBuilder.DropColumn(
                name: "SuspendedAt",
                table: "oauth2_clients");
        }
    }
}
