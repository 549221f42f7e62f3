using System.Text.RegularExpressions;
using Glint.Cli.Connection;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Glint.Cli.ClientsAsCode;

/// <summary>
/// A clients file: YAML, or JSON (which YAML reads as it is), with a top-level <c>clients</c> list. Unknown keys and
/// wrong types are errors with their line, so a typo never silently resets a field.
/// </summary>
public sealed partial class ClientFile
{
    public List<ClientSpec>? Clients { get; set; }

    private static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public static IReadOnlyList<ClientSpec> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {exception.Message}");
        }

        ClientFile? file;
        try
        {
            file = Reader.Deserialize<ClientFile?>(text);
        }
        catch (YamlException exception)
        {
            throw new CliException($"{path}:{exception.Start.Line}:{exception.Start.Column}: {Explain(exception.InnerException?.Message ?? exception.Message)}");
        }

        var clients = file?.Clients ?? throw new CliException($"{path} has no 'clients' list (write 'clients: []' for none).");
        Validate(path, clients);
        return clients;
    }

    /// <summary>YamlDotNet's messages name .NET types; these name what to write instead.</summary>
    private static string Explain(string reason)
    {
        if (UnknownKey().Match(reason) is { Success: true } unknown)
        {
            return unknown.Groups["type"].Value.EndsWith(nameof(ClientSpec), StringComparison.Ordinal)
                ? $"'{unknown.Groups["key"].Value}' is not a client field; the fields are the Terraform hydra_oauth2_client resource's " +
                  "(client_id, client_name, grant_types, response_types, scopes, redirect_uris, token_endpoint_auth_method, skip_consent, metadata, …)."
                : $"'{unknown.Groups["key"].Value}' is not known here: a clients file has one top-level key, clients.";
        }

        return reason.StartsWith("Invalid cast", StringComparison.Ordinal) && reason.Contains("List", StringComparison.Ordinal)
            ? "expected a list ([a, b], or one '- item' per line), not a single value."
            : reason;
    }

    private static void Validate(string path, List<ClientSpec> clients)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < clients.Count; index++)
        {
            var client = clients[index] ?? throw new CliException($"{path}: clients[{index}] is empty.");
            if (string.IsNullOrEmpty(client.ClientId) && string.IsNullOrEmpty(client.ClientName))
            {
                throw new CliException($"{path}: clients[{index}] needs a client_id or a client_name, so that the next run finds it again.");
            }

            if (!string.IsNullOrEmpty(client.ClientId) && !ids.Add(client.ClientId))
            {
                throw new CliException($"{path}: client_id '{client.ClientId}' is listed twice.");
            }

            if (string.IsNullOrEmpty(client.ClientId) && !names.Add(client.ClientName!))
            {
                throw new CliException($"{path}: client_name '{client.ClientName}' is listed twice without a client_id; give them ids to tell them apart.");
            }

            // Checked here so that a bad metadata_json stops the run before anything is changed.
            _ = client.WireFields($"{path}: clients[{index}]");
        }
    }

    [GeneratedRegex("^Property '(?<key>[^']*)' not found on type '(?<type>[^']*)'")]
    private static partial Regex UnknownKey();
}
