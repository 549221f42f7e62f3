using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Glint.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DropFlowVerifierColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_oauth2_flows_ConsentChallenge",
                table: "oauth2_flows");

            migrationBuilder.DropIndex(
                name: "IX_oauth2_flows_ConsentVerifierHash",
                table: "oauth2_flows");

            migrationBuilder.DropIndex(
                name: "IX_oauth2_flows_LoginVerifierHash",
                table: "oauth2_flows");

            migrationBuilder.DropColumn(
                name: "ConsentChallenge",
                table: "oauth2_flows");

            migrationBuilder.DropColumn(
                name: "ConsentVerifierHash",
                table: "oauth2_flows");

            migrationBuilder.DropColumn(
                name: "LoginVerifierHash",
                table: "oauth2_flows");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConsentChallenge",
                table: "oauth2_flows",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConsentVerifierHash",
                table: "oauth2_flows",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LoginVerifierHash",
                table: "oauth2_flows",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

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
        }
    }
}
