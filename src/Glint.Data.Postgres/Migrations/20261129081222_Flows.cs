using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Glint.Data.Postgres.Migrations
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
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConsentChallenge = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LoginVerifierHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ConsentVerifierHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ClientId = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    SessionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    ConsentRemembered = table.Column<bool>(type: "boolean", nullable: false),
                    AuthorizationId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Document = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth2_flows", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "oauth2_login_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    AuthenticatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Remember = table.Column<bool>(type: "boolean", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
