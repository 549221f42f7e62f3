using Glint.Cli.Connection;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Glint.Cli.ClientsAsCode;

/// <summary>
/// A clients file: YAML, or JSON (which YAML reads as it is), with a top-level <c>clients</c> list. Unknown keys and
/// wrong types are errors with their line, so a typo never silently resets a field.
/// </summary>
public sealed class ClientFile
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
            var reason = exception.InnerException?.Message ?? exception.Message;
            throw new CliException($"{path}:{exception.Start.Line}:{exception.Start.Column}: {reason}");
        }

        var clients = file?.Clients ?? throw new CliException($"{path} has no 'clients' list (write 'clients: []' for none).");
        Validate(path, clients);
        return clients;
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
}
