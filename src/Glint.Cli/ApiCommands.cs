using System.CommandLine;
using Glint.Cli.Clients;
using Glint.Cli.ClientsAsCode;
using Glint.Cli.Tokens;

namespace Glint.Cli;

/// <summary>
/// The <c>glint</c> commands that talk to a running Glint over HTTP, grouped verb first as in the hydra CLI:
/// <c>create|get|update|delete client</c>, <c>get jwks</c>, <c>list clients</c>, <c>delete access-tokens</c>, <c>apply clients</c>,
/// <c>perform client-credentials|authorization-code|device-code</c>, <c>introspect token</c> and <c>revoke token</c>.
/// </summary>
public static class ApiCommands
{
    public static IEnumerable<Command> Build()
    {
        yield return Verb("create", "Create resources on a running Glint", ClientCommands.Create());
        yield return Verb("get", "Show resources of a running Glint", ClientCommands.Get(), Keys.KeyCommands.Get());
        yield return Verb("list", "List resources of a running Glint", ClientCommands.List());
        yield return Verb("update", "Change resources on a running Glint", ClientCommands.Update());
        yield return Verb("delete", "Delete resources on a running Glint", ClientCommands.Delete(), ClientCommands.DeleteAccessTokens());
        yield return Verb("apply", "Make a running Glint match a file", ApplyCommand.Build());
        yield return Verb("perform", "Run an OAuth2 flow against a running Glint, as an app would", PerformCommands.ClientCredentials(), PerformCommands.AuthorizationCode(), PerformCommands.DeviceCode());
        yield return Verb("introspect", "Introspect tokens", TokenCommands.Introspect());
        yield return Verb("revoke", "Revoke tokens", TokenCommands.Revoke());
        yield return Apps.AppCommands.Build();
        yield return Audit.AuditCommands.Build();
    }

    private static Command Verb(string name, string description, params Command[] nouns)
    {
        var verb = new Command(name, description);
        foreach (var noun in nouns)
        {
            verb.Subcommands.Add(noun);
        }

        return verb;
    }
}
