using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Cli.Connection;

namespace Glint.Cli.ClientsAsCode;

internal sealed record NewSecret(string ClientId, string ClientName, string Secret);

/// <summary>
/// <c>--secrets-out</c>: new client secrets as a JSON array of <c>{client_id, client_name, client_secret}</c>,
/// readable by its owner only (0600). Entries of earlier runs stay: the server shows a secret once, so this file
/// may hold the only copy.
/// </summary>
internal static class SecretsFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string path, IReadOnlyList<NewSecret> secrets)
    {
        var entries = ReadExisting(path);
        foreach (var secret in secrets)
        {
            entries.RemoveAll(entry => entry?["client_id"]?.GetValue<string>() == secret.ClientId);
            entries.Add(new JsonObject { ["client_id"] = secret.ClientId, ["client_name"] = secret.ClientName, ["client_secret"] = secret.Secret });
        }

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            if (!OperatingSystem.IsWindows() && File.Exists(path))
            {
                // The create mode applies to new files only; an existing file is narrowed before the secrets go in.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(new JsonArray([.. entries.Select(entry => entry?.DeepClone())]).ToJsonString(Indented));
            writer.WriteLine();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write the new secrets to {path}: {exception.Message}",
                [.. secrets.Select(secret => $"{secret.ClientName} ({secret.ClientId}): {secret.Secret}")]);
        }
    }

    private static List<JsonNode?> ReadExisting(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonArray array ? [.. array.Select(entry => entry?.DeepClone())] : [];
        }
        catch (JsonException)
        {
            throw new CliException($"{path} exists and is not a JSON array of secrets; give another --secrets-out file rather than overwrite it.");
        }
    }
}
