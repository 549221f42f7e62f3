using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Glint.Cli.Connection;

namespace Glint.Cli.Tokens;

/// <summary>
/// How a command authenticates as an OAuth2 client on the public port: <c>--client-id</c> and <c>--client-secret</c>
/// (or the hydra CLI's <c>OAUTH2_CLIENT_ID</c> and <c>OAUTH2_CLIENT_SECRET</c>). With a secret it tries HTTP Basic
/// first and then the form body, as the hydra CLI's auto-detection does, so clients registered with
/// <c>client_secret_post</c> work too; without one it sends only the id, as a public client.
/// </summary>
internal sealed record ClientCredentials(string Id, string? Secret)
{
    public static Option<string?> IdOption { get; } = new("--client-id") { Description = "The OAuth2 client's id (or $OAUTH2_CLIENT_ID)" };

    public static Option<string?> SecretOption { get; } = new("--client-secret") { Description = "The client's secret (or $OAUTH2_CLIENT_SECRET); leave out for a public client" };

    public static void AddTo(Command command)
    {
        command.Options.Add(IdOption);
        command.Options.Add(SecretOption);
    }

    public static ClientCredentials Read(ParseResult parse)
    {
        // The environment is read here, not as the options' defaults, so that --help never prints a secret.
        var id = parse.GetValue(IdOption) ?? Environment.GetEnvironmentVariable("OAUTH2_CLIENT_ID");
        var secret = parse.GetValue(SecretOption) ?? Environment.GetEnvironmentVariable("OAUTH2_CLIENT_SECRET");
        return string.IsNullOrEmpty(id)
            ? throw new CliException("a client id is needed: give --client-id or set $OAUTH2_CLIENT_ID.")
            : new ClientCredentials(id, string.IsNullOrEmpty(secret) ? null : secret);
    }

    /// <summary>Posts <paramref name="form"/> to <paramref name="path"/> as this client; an error answer is a <see cref="CliException"/>.</summary>
    public async Task<GlintResponse> PostAsync(GlintHttp http, string path, IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        var answer = await AnswerAsync(http, path, form, cancellationToken);
        return answer.IsSuccess ? answer : throw http.ServerError(HttpMethod.Post, path, answer);
    }

    /// <summary>
    /// Posts <paramref name="form"/> to <paramref name="path"/> as this client and returns the answer, an error too
    /// (when both ways of sending the secret fail, the answer that explains it).
    /// </summary>
    public async Task<GlintResponse> AnswerAsync(GlintHttp http, string path, IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (Secret is null)
        {
            return await http.PostFormAsync(path, form.Append(new("client_id", Id)), null, cancellationToken, acceptError: true);
        }

        var basic = await http.PostFormAsync(path, form, Basic(), cancellationToken, acceptError: true);
        if (basic.IsSuccess || (basic.Status != HttpStatusCode.Unauthorized && !basic.Body.Contains("\"invalid_client\"", StringComparison.Ordinal)))
        {
            return basic;
        }

        var post = await http.PostFormAsync(path, form.Append(new("client_id", Id)).Append(new("client_secret", Secret)), null, cancellationToken, acceptError: true);
        // When both fail, the Basic attempt's error is the one that explains a wrong secret.
        return post.IsSuccess || !post.Body.Contains("\"invalid_client\"", StringComparison.Ordinal) ? post : basic;
    }

    /// <summary>RFC 6749 §2.3.1: id and secret are form-encoded before they are joined.</summary>
    private AuthenticationHeaderValue Basic() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WebUtility.UrlEncode(Id) + ":" + WebUtility.UrlEncode(Secret))));
}
