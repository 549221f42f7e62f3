using System.CommandLine;
using Glint.Auth.Jwk;
using Glint.Data;
using Glint.Data.Secrets;
using Glint.Server.Hosting;

namespace Glint.Server.Cli;

/// <summary>
/// The <c>glint</c> executable: <c>glint</c> (the same as <c>glint serve</c>), <c>glint migrate</c>, <c>glint keys rotate</c>
/// and the operator commands here, which run the host or work on its database; and the commands of <c>Glint.Cli</c>,
/// which talk to a running Glint over HTTP.
/// </summary>
public static class GlintCommandLine
{
    private static readonly Option<string?> DsnOption = new("--dsn") { Description = "Database: sqlite://<path> (default sqlite://glint.db) or postgres://user:pass@host:port/db" };
    private static readonly Option<int?> PublicPortOption = new("--public-port") { Description = "Public port (default 4444)" };
    private static readonly Option<int?> AdminPortOption = new("--admin-port") { Description = "Admin port (default 4445), never exposed beyond loopback unless --admin-host says so" };
    private static readonly Option<string?> PublicHostOption = new("--public-host") { Description = "Address the public port listens on (default 127.0.0.1)" };
    private static readonly Option<string?> AdminHostOption = new("--admin-host") { Description = "Address the admin port listens on (default 127.0.0.1)" };
    private static readonly Option<string?> IssuerOption = new("--issuer") { Description = "Issuer URL (default http://127.0.0.1:<public port>)" };
    private static readonly Option<bool> DevOption = new("--dev") { Description = "Development mode: allows an http issuer on a non-loopback host, and the dev outbox instead of SMTP" };
    private static readonly Option<bool> AcceptIssuerChangeOption = new("--accept-issuer-change")
    {
        Description = "Record this node's --issuer as the database's issuer, replacing the one recorded (tokens issued before stop verifying)",
    };

    public static RootCommand Build()
    {
        var serve = new Command("serve", "Run the authorization server (public and admin ports)");
        AddServeOptions(serve);
        serve.SetAction(ServeAsync);

        var root = new RootCommand("Glint: a self-hostable wallet backend with a Hydra-compatible OAuth2 server");
        AddServeOptions(root);
        root.SetAction(ServeAsync);
        root.Subcommands.Add(serve);

        var migrate = new Command("migrate", "Apply database migrations and exit");
        migrate.Options.Add(DsnOption);
        migrate.SetAction(MigrateAsync);
        root.Subcommands.Add(migrate);

        var rotate = new Command("rotate", "Create a new signing key; nodes sign with it from their next start, and the previous key stays published");
        rotate.Options.Add(DsnOption);
        rotate.SetAction(RotateKeysAsync);
        var keys = new Command("keys", "Manage token-signing keys");
        keys.Subcommands.Add(rotate);
        root.Subcommands.Add(keys);
        var schema = new Command("schema", "Print the GraphQL schema (SDL) that /graphql serves");
        schema.SetAction(parse => parse.InvocationConfiguration.Output.Write(Glint.Api.GlintSchema.PrintSdl()));
        var graphql = new Command("graphql", "The GraphQL API");
        graphql.Subcommands.Add(schema);
        root.Subcommands.Add(graphql);
        root.Subcommands.Add(JanitorCommand.Build());

        foreach (var command in WalletCommands.Build(DsnOption).Concat(Glint.Cli.ApiCommands.Build()))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static void AddServeOptions(Command command)
    {
        foreach (var option in (Option[])[DsnOption, PublicPortOption, AdminPortOption, PublicHostOption, AdminHostOption, IssuerOption, DevOption, AcceptIssuerChangeOption])
        {
            command.Options.Add(option);
        }
    }

    private static Dictionary<string, string?> Flags(ParseResult parse) => new()
    {
        [ConfigurationKeys.Dsn] = parse.GetValue(DsnOption),
        [ConfigurationKeys.PublicPort] = parse.GetValue(PublicPortOption)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [ConfigurationKeys.AdminPort] = parse.GetValue(AdminPortOption)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [ConfigurationKeys.PublicHost] = parse.GetValue(PublicHostOption),
        [ConfigurationKeys.AdminHost] = parse.GetValue(AdminHostOption),
        [ConfigurationKeys.Issuer] = parse.GetValue(IssuerOption),
        [ConfigurationKeys.Dev] = parse.GetValue(DevOption) ? "true" : null,
        [ConfigurationKeys.AcceptIssuerChange] = parse.GetValue(AcceptIssuerChangeOption) ? "true" : null,
    };

    private static async Task<int> ServeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        try
        {
            await using var app = await GlintHost.BuildAsync(GlintConfiguration.Build(Flags(parse)), cancellationToken);
            await app.RunAsync();
            return 0;
        }
        catch (StartupRefusedException exception)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("glint: " + exception.Message);
            return 2;
        }
    }

    private static async Task<int> MigrateAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        try
        {
            var settings = ServerSettings.Read(GlintConfiguration.Build(Flags(parse)));
            await Database.MigrateAsync(settings.Dsn, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync("glint: migrations applied");
            return 0;
        }
        catch (StartupRefusedException exception)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("glint: " + exception.Message);
            return 2;
        }
    }

    private static async Task<int> RotateKeysAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        try
        {
            var settings = ServerSettings.Read(GlintConfiguration.Build(Flags(parse)));
            await Database.MigrateAsync(settings.Dsn, cancellationToken);
            await using var db = Database.OpenStartup(settings.Dsn);
            var sealer = new KeySealer(new SystemSecret(settings.Secret));
            // Opening the current keys first proves the secret is the right one: a key sealed with another
            // secret would stop every node at its next start.
            await SigningKeyRing.LoadOrCreateAsync(db, sealer, TimeProvider.System, cancellationToken);
            var id = await SigningKeyRing.RotateAsync(db.Context, sealer, TimeProvider.System, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"glint: new signing key {id}; restart each node to sign with it");
            return 0;
        }
        catch (StartupRefusedException exception)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("glint: " + exception.Message);
            return 2;
        }
    }
}
