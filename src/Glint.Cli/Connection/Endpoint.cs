using System.CommandLine;

namespace Glint.Cli.Connection;

/// <summary>
/// Where a command finds Glint: <c>--endpoint</c>, else the first environment variable that is set, else the local
/// default. Hydra's variable names work too, so scripts written for the hydra CLI need no change.
/// </summary>
public sealed class Endpoint
{
    private readonly string _default;
    private readonly string[] _variables;

    private Endpoint(string description, string defaultUrl, string[] variables)
    {
        _default = defaultUrl;
        _variables = variables;
        Option = new Option<string?>("--endpoint", "-e")
        {
            Description = $"{description} (default {defaultUrl}, or ${string.Join(", $", variables)})",
        };
    }

    /// <summary>The admin port: client management and introspection.</summary>
    public static Endpoint Admin { get; } = new("URL of Glint's admin API", "http://127.0.0.1:4445", ["GLINT_ADMIN_URL", "HYDRA_ADMIN_URL"]);

    /// <summary>The public port: the authorization, token and revocation endpoints, as the hydra CLI's perform and revoke commands use it.</summary>
    public static Endpoint Public { get; } = new("URL of Glint's public port", "http://127.0.0.1:4444", ["GLINT_PUBLIC_URL", "HYDRA_PUBLIC_URL"]);

    public Option<string?> Option { get; }

    /// <summary>Said when the endpoint cannot be reached, so the user knows which knob to turn.</summary>
    public string Hint => $"Is Glint running there? Point --endpoint (or ${_variables[0]}) at it.";

    public Uri Resolve(ParseResult parse)
    {
        var value = parse.GetValue(Option);
        var source = "--endpoint";
        if (string.IsNullOrWhiteSpace(value))
        {
            var variable = _variables.FirstOrDefault(name => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name)));
            value = variable is null ? _default : Environment.GetEnvironmentVariable(variable)!;
            source = variable is null ? "the default endpoint" : "$" + variable;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException($"{source} '{value}' is not an http or https URL.");
        }

        return uri;
    }
}
