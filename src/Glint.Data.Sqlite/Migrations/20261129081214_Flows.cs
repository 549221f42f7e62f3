using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Glint.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Flows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "oauth2_flows",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ConsentChallenge = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LoginVerifierHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ConsentVerifierHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    SessionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    ConsentRemembered = table.Column<bool>(type: "INTEGER", nullable: false),
                    AuthorizationId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    RequestedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth2_flows", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "oauth2_login_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    AuthenticatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Remember = table.Column<bool>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth2_login_sessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_flows_AuthorizationId",
                table: "oauth2_flows",
                column: "AuthorizationId");

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_flows_ConsentChallenge",
                table: "oauth2_flows",
                column: "ConsentChallenge",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_flows_ConsentVerifierHash",
                table: "oauth2_flows",
                column: "ConsentVerifierHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_flows_LoginVerifierHash",
                table: "oauth2_flows",
                column: "LoginVerifierHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_flows_Subject_ClientId_ConsentRemembered",
                table: "oauth2_flows",
                columns: new[] { "Subject", "ClientId", "ConsentRemembered" });

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_login_sessions_Subject",
                table: "oauth2_login_sessions",
                column: "Subject");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth2_flows");

            migrationBuilder.DropTable(
                name: "oauth2_login_sessions");
        }
    }
}
