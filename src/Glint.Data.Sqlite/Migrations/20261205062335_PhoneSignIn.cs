using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Glint.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PhoneSignIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_users_Phone",
                table: "users",
                column: "Phone",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_users_Phone",
                table: "users");
        }
    }
}
