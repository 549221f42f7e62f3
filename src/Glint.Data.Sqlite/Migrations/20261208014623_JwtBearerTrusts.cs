using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Glint.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JwtBearerTrusts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "oauth2_jwt_bearer_trusts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Issuer = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    AllowAnySubject = table.Column<bool>(type: "INTEGER", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    PublicKey = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth2_jwt_bearer_trusts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth2_jwt_bearer_trusts_Issuer_Subject_KeyId",
                table: "oauth2_jwt_bearer_trusts",
                columns: new[] { "Issuer", "Subject", "KeyId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth2_jwt_bearer_trusts");
        }
    }
}
