using System.Buffers.Text;
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Glint.Cli.Connection;
using Glint.Cli.Output;

namespace Glint.Cli.Tokens;

/// <summary>
/// <c>perform client-credentials</c>, <c>perform authorization-code</c> and <c>perform device-code</c>: an OAuth2 client in the terminal, to
/// check that an integration is set up right. As with the hydra CLI, <c>--endpoint</c> is the public port here.
/// </summary>
internal static class PerformCommands
{
    private static readonly Option<string[]> ScopeOption = new("--scope") { Description = "Scopes to request; repeat the flag or separate values with commas" };
    private static readonly Option<string[]> CodeScopeOption = new("--scope")
    {
        Description = "Scopes to request (default offline openid); repeat the flag or separate values with commas",
        DefaultValueFactory = _ => ["offline", "openid"],
    };

    private static readonly Option<string[]> AudienceOption = new("--audience") { Description = "Audiences to request; repeat the flag or separate values with commas" };
    private static readonly Option<int> PortOption = new("--port", "-p") { Description = "Port of the local callback listener on 127.0.0.1", DefaultValueFactory = _ => 5555 };
    private static readonly Option<string?> RedirectOption = new("--redirect") { Description = "Redirect URI to send (default http://127.0.0.1:<port>/callback)" };
    private static readonly Option<string[]> PromptOption = new("--prompt") { Description = "OpenID Connect prompt values, such as login or consent" };
    private static readonly Option<int?> MaxAgeOption = new("--max-age") { Description = "OpenID Connect max_age, in seconds" };
    private static readonly Option<bool> NoOpenOption = new("--no-open") { Description = "Do not open a browser; only print the URL" };

    public static Command ClientCredentials()
    {
        var command = new Command("client-credentials", HelpText.WithExample(
            "Get an access token with the client credentials grant and print it",
            "glint perform client-credentials --client-id 5f0e… --client-secret … --scope read"));
        AddCommon(command);
        command.Options.Add(ScopeOption);
        command.Options.Add(AudienceOption);
        CliAction.Set(command, ClientCredentialsAsync);
        return command;
    }

    public static Command AuthorizationCode()
    {
        var command = new Command("authorization-code", HelpText.WithExample(
            "Log in through the authorization code flow with PKCE, as an app would: prints the authorization URL (and opens " +
            "it when a browser is available), waits for the browser at the local callback, exchanges the code and prints the tokens. " +
            "Register http://127.0.0.1:<port>/callback as one of the client's redirect URIs.",
            "glint perform authorization-code --client-id 5f0e… --client-secret … --scope openid,offline,read --port 5555"));
        AddCommon(command);
        command.Options.Add(CodeScopeOption);
        command.Options.Add(AudienceOption);
        command.Options.Add(PortOption);
        command.Options.Add(RedirectOption);
        command.Options.Add(PromptOption);
        command.Options.Add(MaxAgeOption);
        command.Options.Add(NoOpenOption);
        CliAction.Set(command, AuthorizationCodeAsync);
        return command;
    }

    public static Command DeviceCode()
    {
        var command = new Command("device-code", HelpText.WithExample(
            "Log in through the device authorization grant (RFC 8628), as a TV or a terminal app would: prints where to go and " +
            "the code to enter, polls the token endpoint until the user has decided, and prints the tokens. The client needs " +
            "the grant type urn:ietf:params:oauth:grant-type:device_code.",
            "glint perform device-code --client-id 5f0e… --client-secret … --scope openid,offline,read"));
        AddCommon(command);
        command.Options.Add(CodeScopeOption);
        command.Options.Add(AudienceOption);
        CliAction.Set(command, DeviceCodeAsync);
        return command;
    }

    private static async Task<int> ClientCredentialsAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var client = Tokens.ClientCredentials.Read(parse);
        using var http = new GlintHttp(Endpoint.Public.Resolve(parse), Endpoint.Public.Hint);
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        AddList(form, "scope", parse, ScopeOption, ' ');
        AddList(form, "audience", parse, AudienceOption, ' ');
        var tokens = await client.PostAsync(http, "/oauth2/token", form, cancellationToken);
        await TokenOutput.WriteAsync(new Printer(parse), tokens.Body);
        return 0;
    }

    private static async Task<int> AuthorizationCodeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var client = Tokens.ClientCredentials.Read(parse);
        var printer = new Printer(parse);
        using var http = new GlintHttp(Endpoint.Public.Resolve(parse), Endpoint.Public.Hint);
        var port = parse.GetValue(PortOption);
        var redirectUri = parse.GetValue(RedirectOption) ?? $"http://127.0.0.1:{port}/callback";
        var callbackPath = Uri.TryCreate(redirectUri, UriKind.Absolute, out var redirect) ? redirect.AbsolutePath : "/callback";
        using var listener = CallbackListener.Start(port);

        var state = RandomText();
        var verifier = RandomText();
        var query = new Dictionary<string, string>
        {
            ["client_id"] = client.Id,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["state"] = state,
            ["nonce"] = RandomText(),
            ["code_challenge"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        };
        AddList(query, "scope", parse, CodeScopeOption, ' ');
        AddList(query, "audience", parse, AudienceOption, ' ');
        AddList(query, "prompt", parse, PromptOption, ' ');
        if (parse.GetValue(MaxAgeOption) is { } maxAge)
        {
            query["max_age"] = maxAge.ToString(CultureInfo.InvariantCulture);
        }

        var authorizationUrl = http.Url("/oauth2/auth?" + string.Join('&', query.Select(pair => pair.Key + "=" + Uri.EscapeDataString(pair.Value)))).AbsoluteUri;
        // Instructions go to standard error, so that standard output carries only the tokens (and pipes into jq).
        await printer.Error.WriteLineAsync($"Open this URL in a browser to log in:\n\n  {authorizationUrl}\n");
        if (!parse.GetValue(NoOpenOption) && Browser.TryOpen(authorizationUrl))
        {
            await printer.Error.WriteLineAsync("(opened in your browser)");
        }

        await printer.Error.WriteLineAsync($"Waiting for the browser at http://127.0.0.1:{port}{callbackPath} (Ctrl+C to stop) …");
        var context = await listener.WaitForCallbackAsync(callbackPath, authorizationUrl, cancellationToken);
        var callback = context.Request.QueryString;
        try
        {
            if (callback["error"] is { Length: > 0 } error)
            {
                throw new CliException("the authorization server sent the browser back with an error",
                [
                    "error:             " + error,
                    "error_description: " + callback["error_description"],
                    .. callback["error_hint"] is { Length: > 0 } hint ? ["error_hint:        " + hint] : Array.Empty<string>(),
                ]);
            }

            if (callback["state"] != state)
            {
                throw new CliException($"the callback's state '{callback["state"]}' is not the one sent: the browser came back from another request.");
            }

            if (callback["code"] is not { Length: > 0 } code)
            {
                throw new CliException("the callback carries neither a code nor an error.");
            }

            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
                ["code_verifier"] = verifier,
            };
            var tokens = await client.PostAsync(http, "/oauth2/token", form, cancellationToken);
            CallbackListener.Answer(context, true, "Glint issued the tokens; they are printed in the terminal.");
            await TokenOutput.WriteAsync(printer, tokens.Body);
            return 0;
        }
        catch (CliException failure)
        {
            CallbackListener.Answer(context, false, failure.Message);
            throw;
        }
    }

    private const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

    private static async Task<int> DeviceCodeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var client = Tokens.ClientCredentials.Read(parse);
        var printer = new Printer(parse);
        using var http = new GlintHttp(Endpoint.Public.Resolve(parse), Endpoint.Public.Hint);
        var request = new Dictionary<string, string>();
        AddList(request, "scope", parse, CodeScopeOption, ' ');
        AddList(request, "audience", parse, AudienceOption, ' ');
        var device = (await client.PostAsync(http, "/oauth2/device/auth", request, cancellationToken)).Json!;
        var deviceCode = device["device_code"]!.GetValue<string>();
        // RFC 8628 §3.2: five seconds when the server names no interval; §3.5: five more after each slow_down.
        var interval = TimeSpan.FromSeconds(device["interval"]?.GetValue<long>() ?? 5);

        // Instructions go to standard error, so that standard output carries only the tokens (and pipes into jq).
        await printer.Error.WriteLineAsync(
            $"On any device, open\n\n  {device["verification_uri"]}\n\nand enter the code\n\n  {device["user_code"]}\n\n" +
            $"or open, with the code in it,\n\n  {device["verification_uri_complete"]}\n\nWaiting for the decision (Ctrl+C to stop) …");

        var poll = new Dictionary<string, string> { ["grant_type"] = DeviceCodeGrant, ["device_code"] = deviceCode };
        while (true)
        {
            await Task.Delay(interval, cancellationToken);
            var answer = await client.AnswerAsync(http, "/oauth2/token", poll, cancellationToken);
            if (answer.IsSuccess)
            {
                await TokenOutput.WriteAsync(printer, answer.Body);
                return 0;
            }

            switch (answer.Json?["error"]?.GetValue<string>())
            {
                case "authorization_pending":
                    continue;
                case "slow_down":
                    interval += TimeSpan.FromSeconds(5);
                    continue;
                default:
                    throw http.ServerError(HttpMethod.Post, "/oauth2/token", answer);
            }
        }
    }

    private static void AddCommon(Command command)
    {
        command.Options.Add(Endpoint.Public.Option);
        command.Options.Add(FormatOption.Option);
        Tokens.ClientCredentials.AddTo(command);
    }

    private static void AddList(Dictionary<string, string> form, string name, ParseResult parse, Option<string[]> option, char separator)
    {
        var values = (parse.GetValue(option) ?? []).SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        if (values.Length > 0)
        {
            form[name] = string.Join(separator, values);
        }
    }

    /// <summary>32 random bytes, base64url: a state, nonce or PKCE verifier (43 characters, RFC 7636 §4.1).</summary>
    private static string RandomText() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
