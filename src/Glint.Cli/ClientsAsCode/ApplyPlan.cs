using System.Text.Json.Nodes;
using Glint.Cli.Connection;

namespace Glint.Cli.ClientsAsCode;

internal sealed record FieldChange(string Field, JsonNode? Before, JsonNode? After);

internal sealed record ClientCreate(ClientSpec Spec, JsonObject Body);

internal sealed record ClientUpdate(ClientSpec Spec, string Id, JsonObject Body, IReadOnlyList<FieldChange> Changes);

internal sealed record ClientDelete(string Id, string Label);

/// <summary>
/// What <c>apply</c> has to do so that the server matches the file. Clients are matched by <c>client_id</c>, or by
/// <c>client_name</c> where the file gives no id; a matched client is updated only when a field differs.
/// </summary>
internal sealed class ApplyPlan
{
    public List<ClientCreate> Creates { get; } = [];

    public List<ClientUpdate> Updates { get; } = [];

    public List<ClientDelete> Deletes { get; } = [];

    /// <summary>Clients on the server that the file does not list, left alone without <c>--prune</c>.</summary>
    public int Unlisted { get; private set; }

    public bool IsEmpty => Creates.Count == 0 && Updates.Count == 0 && Deletes.Count == 0;

    public static ApplyPlan Make(string path, IReadOnlyList<ClientSpec> specs, IReadOnlyList<JsonObject> server, bool prune)
    {
        var plan = new ApplyPlan();
        var byId = server.ToDictionary(client => Id(client), StringComparer.Ordinal);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var matches = new JsonObject?[specs.Count];

        // Ids first, so that a client the file names by id is never also taken by a name match.
        for (var index = 0; index < specs.Count; index++)
        {
            if (specs[index].ClientId is { Length: > 0 } id && byId.TryGetValue(id, out var client))
            {
                matches[index] = client;
                claimed.Add(id);
            }
        }

        for (var index = 0; index < specs.Count; index++)
        {
            if (specs[index].ClientId is { Length: > 0 })
            {
                continue;
            }

            var named = server.Where(client => !claimed.Contains(Id(client)) && client["client_name"]?.GetValue<string>() == specs[index].ClientName).ToList();
            if (named.Count > 1)
            {
                throw new CliException(
                    $"{named.Count} clients on the server are named '{specs[index].ClientName}' ({string.Join(", ", named.Select(Id))}); " +
                    $"give the one you mean as client_id in {path}.");
            }

            if (named.Count == 1)
            {
                matches[index] = named[0];
                claimed.Add(Id(named[0]));
            }
        }

        for (var index = 0; index < specs.Count; index++)
        {
            var spec = specs[index];
            var fields = spec.WireFields($"{path}: clients[{index}]");
            if (matches[index] is not { } actual)
            {
                plan.Creates.Add(new ClientCreate(spec, Body(spec, fields, null)));
                continue;
            }

            var changes = ManagedField.All
                .Where(field => !field.Matches(field.Desired(fields), actual[field.Name]))
                .Select(field => new FieldChange(field.Name, actual[field.Name]?.DeepClone(), field.Desired(fields)?.DeepClone()))
                .ToList();
            if (changes.Count > 0)
            {
                plan.Updates.Add(new ClientUpdate(spec, Id(actual), Body(spec, fields, actual), changes));
            }
        }

        var unlisted = server.Where(client => !claimed.Contains(Id(client))).ToList();
        if (prune)
        {
            plan.Deletes.AddRange(unlisted.Select(client => new ClientDelete(Id(client), client["client_name"]?.GetValue<string>() is { Length: > 0 } name ? name : Id(client))));
        }
        else
        {
            plan.Unlisted = unlisted.Count;
        }

        return plan;
    }

    /// <summary>
    /// The whole client as the file wants it, for <c>POST</c> or <c>PUT</c> (which resets what it leaves out). A scope
    /// the file leaves out keeps the server's; a secret is sent only when the file has one, so PUT keeps the stored one.
    /// </summary>
    private static JsonObject Body(ClientSpec spec, JsonObject fields, JsonObject? actual)
    {
        var body = new JsonObject();
        if (actual is null && spec.ClientId is { Length: > 0 } id)
        {
            body["client_id"] = id;
        }

        foreach (var field in ManagedField.All)
        {
            var desired = field.Desired(fields) ?? (field.Type == ManagedField.Kind.Scope ? actual?[field.Name] : null);
            if (desired is not null || field.Type == ManagedField.Kind.Duration)
            {
                body[field.Name] = desired?.DeepClone();
            }
        }

        if (spec.ClientSecret is { Length: > 0 } secret)
        {
            body["client_secret"] = secret;
        }

        return body;
    }

    private static string Id(JsonObject client) => client["client_id"]?.GetValue<string>() ?? "";
}
