using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Cli.Clients;
using Glint.Cli.Connection;
using Glint.Cli.Output;

namespace Glint.Cli.ClientsAsCode;

/// <summary>
/// <c>glint apply clients -f clients.yaml</c>: clients as code. Prints the plan field by field, then carries it out
/// (or only prints it with <c>--dry-run</c>). A second run with the same file changes nothing and says so.
/// </summary>
internal static class ApplyCommand
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Option<string> FileOption = new("--file", "-f") { Description = "The clients file (YAML or JSON)", Required = true };
    private static readonly Option<bool> DryRunOption = new("--dry-run") { Description = "Print the plan and change nothing" };
    private static readonly Option<bool> PruneOption = new("--prune") { Description = "Also delete the clients on the server that the file does not list" };
    private static readonly Option<string?> SecretsOutOption = new("--secrets-out") { Description = "Write new client secrets to this file (JSON, mode 0600) instead of printing them" };

    public static Command Build()
    {
        var command = new Command("clients", HelpText.WithExample(
            "Create, update and (with --prune) delete clients so that the server matches a file. Clients are matched by " +
            "client_id, else by client_name; the keys are the Terraform hydra_oauth2_client resource's. Secrets the server " +
            "generates are printed once, or written to --secrets-out.",
            "glint apply clients -f examples/clients.yaml --dry-run"));
        command.Aliases.Add("oauth2-clients");
        command.Options.Add(FileOption);
        command.Options.Add(DryRunOption);
        command.Options.Add(PruneOption);
        command.Options.Add(SecretsOutOption);
        command.Options.Add(Endpoint.Admin.Option);
        CliAction.Set(command, ApplyAsync);
        return command;
    }

    private static async Task<int> ApplyAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var path = parse.GetValue(FileOption)!;
        var output = parse.InvocationConfiguration.Output;
        var specs = ClientFile.Read(path);
        using var http = new GlintHttp(Endpoint.Admin.Resolve(parse), Endpoint.Admin.Hint);
        var plan = ApplyPlan.Make(path, specs, await ClientPages.ReadAllAsync(http, cancellationToken), parse.GetValue(PruneOption));

        var unlisted = plan.Unlisted == 0 ? "" : $" {plan.Unlisted} other client(s) on the server are not in the file; --prune would delete them.";
        if (plan.IsEmpty)
        {
            await output.WriteLineAsync($"No changes: the clients on {http.Endpoint} match {path}.{unlisted}");
            return 0;
        }

        await WritePlanAsync(output, plan);
        await output.WriteLineAsync($"Plan: {plan.Creates.Count} to create, {plan.Updates.Count} to update, {plan.Deletes.Count} to delete.{unlisted}");
        if (parse.GetValue(DryRunOption))
        {
            await output.WriteLineAsync("Dry run: nothing was changed.");
            return 0;
        }

        var secrets = new List<NewSecret>();
        try
        {
            await CarryOutAsync(http, plan, secrets, cancellationToken);
        }
        finally
        {
            // Even when a later step fails, secrets already generated must reach the user: they are shown only once.
            await HandOverAsync(parse, secrets);
        }

        await output.WriteLineAsync($"Applied: {plan.Creates.Count} created, {plan.Updates.Count} updated, {plan.Deletes.Count} deleted.");
        return 0;
    }

    private static async Task CarryOutAsync(GlintHttp http, ApplyPlan plan, List<NewSecret> secrets, CancellationToken cancellationToken)
    {
        foreach (var create in plan.Creates)
        {
            var created = (await http.SendJsonAsync(HttpMethod.Post, ClientPages.Path, create.Body, cancellationToken)).Json;
            NoteSecret(create.Spec, created, secrets);
        }

        foreach (var update in plan.Updates)
        {
            var updated = (await http.SendJsonAsync(HttpMethod.Put, ClientPath(update.Id), update.Body, cancellationToken)).Json;
            NoteSecret(update.Spec, updated, secrets);
        }

        foreach (var delete in plan.Deletes)
        {
            await http.DeleteAsync(ClientPath(delete.Id), cancellationToken);
        }
    }

    /// <summary>A secret in the answer that the file did not give is new: the server generated it.</summary>
    private static void NoteSecret(ClientSpec spec, JsonNode? client, List<NewSecret> secrets)
    {
        if (spec.ClientSecret is null && client?["client_secret"]?.GetValue<string>() is { Length: > 0 } secret)
        {
            secrets.Add(new NewSecret(client["client_id"]!.GetValue<string>(), spec.ClientName ?? "", secret));
        }
    }

    private static async Task HandOverAsync(ParseResult parse, List<NewSecret> secrets)
    {
        if (secrets.Count == 0)
        {
            return;
        }

        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(SecretsOutOption) is { Length: > 0 } file)
        {
            SecretsFile.Write(file, secrets);
            await output.WriteLineAsync($"New client secrets written to {file} (mode 0600).");
            return;
        }

        await output.WriteLineAsync("New client secrets, shown only this once:");
        foreach (var secret in secrets)
        {
            await output.WriteLineAsync($"  {secret.ClientName} ({secret.ClientId}): {secret.Secret}");
        }
    }

    private static async Task WritePlanAsync(TextWriter output, ApplyPlan plan)
    {
        foreach (var create in plan.Creates)
        {
            await output.WriteLineAsync($"+ create client \"{create.Spec.Label}\"");
            var fields = create.Spec.WireFields("");
            var set = ManagedField.All.Where(field => fields.ContainsKey(field.Name)).Select(field => (field.Name, Value: Show(fields[field.Name])));
            var secret = create.Spec.ClientSecret is not null ? "(from the file)" : create.Spec.IsConfidential ? "(generated by the server, shown once)" : null;
            await WriteFieldsAsync(output, [.. set, .. secret is null ? [] : new[] { ("client_secret", secret) }]);
        }

        foreach (var update in plan.Updates)
        {
            await output.WriteLineAsync($"~ update client \"{update.Spec.Label}\" ({update.Id})");
            await WriteFieldsAsync(output, [.. update.Changes.Select(change => (change.Field, $"{Show(change.Before)} -> {Show(change.After)}"))]);
        }

        foreach (var delete in plan.Deletes)
        {
            await output.WriteLineAsync($"- delete client \"{delete.Label}\" ({delete.Id})");
        }

        await output.WriteLineAsync();
    }

    private static async Task WriteFieldsAsync(TextWriter output, IReadOnlyList<(string Name, string Value)> fields)
    {
        var width = fields.Select(field => field.Name.Length).DefaultIfEmpty(0).Max() + 1;
        foreach (var (name, value) in fields)
        {
            await output.WriteLineAsync($"    {(name + ":").PadRight(width)} {value}");
        }
    }

    private static string Show(JsonNode? value) => value?.ToJsonString(Compact) ?? "null";

    private static string ClientPath(string id) => ClientPages.Path + "/" + Uri.EscapeDataString(id);
}
