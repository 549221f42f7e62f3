using System.Diagnostics;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Cli;

/// <summary>
/// Blink's <c>dev/bin/setup-hydra-client.sh</c> registers its apps with the hydra CLI and reads the result with jq.
/// Here its flag set runs verbatim through bash with <c>glint</c> in the place of <c>hydra</c>: the built
/// executable in its own process, the endpoint from the script's variable or from the environment.
/// </summary>
public abstract class BlinkSetupScriptTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    /// <summary>The invocation of Blink's script (its flags in its order, the output redirect in the middle included), then its jq reads.</summary>
    private const string Script = """
        set -euo pipefail
        glint() { dotnet "$GLINT_DLL" "$@"; }

        glint create client \
            --endpoint "${HYDRA_ADMIN_API}" \
            --grant-type "$grant_type" \
            --response-type code,id_token \
            --format json \
            --scope read --scope write \
            --redirect-uri "$redirect_uri" > "${CLIENT_JSON}" \
            --name "${client_name}" \
            --skip-consent

        CLIENT_ID=$(jq -r '.client_id' < "${CLIENT_JSON}")
        CLIENT_SECRET=$(jq -r '.client_secret' < "${CLIENT_JSON}")
        echo "$CLIENT_ID"
        echo "$CLIENT_SECRET"

        # The same client through the environment instead of --endpoint: Hydra's variable, and Glint's winning over it.
        glint get client "$CLIENT_ID" --format json | jq -r .client_name
        GLINT_ADMIN_URL="${HYDRA_ADMIN_URL}" HYDRA_ADMIN_URL=http://127.0.0.1:9 glint get client "$CLIENT_ID" --format json | jq -r .client_name
        """;

    private static string GlintDll()
    {
        // The server project is built with the tests; its output folder has glint.dll with its runtime configuration.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Glint.slnx")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root?.FullName ?? "", "src", "Glint.Server", "bin", output.Parent!.Name, output.Name, "glint.dll");
        Assert.True(File.Exists(dll), $"glint.dll not found at {dll}");
        return dll;
    }

    [Fact]
    public async Task SetupHydraClientScript_RunVerbatimWithGlint_RegistersBlinksClient()
    {
        var directory = Directory.CreateTempSubdirectory("glint-setup-");
        try
        {
            var clientJson = Path.Combine(directory.FullName, ".dashboard-hydra-client.json");
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Script);
            start.Environment["GLINT_DLL"] = GlintDll();
            start.Environment["HYDRA_ADMIN_API"] = $"http://localhost:{server.AdminPort}";
            start.Environment["HYDRA_ADMIN_URL"] = $"http://127.0.0.1:{server.AdminPort}";
            start.Environment.Remove("GLINT_ADMIN_URL");
            start.Environment["grant_type"] = "authorization_code,refresh_token";
            start.Environment["redirect_uri"] = "http://localhost:3001/api/auth/callback/blink";
            start.Environment["client_name"] = "dashboard";
            start.Environment["CLIENT_JSON"] = clientJson;

            using var bash = Process.Start(start)!;
            bash.StandardInput.Close();
            var stdout = bash.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = bash.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await bash.WaitForExitAsync(TestContext.Current.CancellationToken);
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.True(bash.ExitCode == 0, $"exit {bash.ExitCode}\n{await stdout}\n{await stderr}");
            var client = JsonNode.Parse(await File.ReadAllTextAsync(clientJson, TestContext.Current.CancellationToken))!.AsObject();
            Assert.Equal(client["client_id"]!.GetValue<string>(), lines[0]);
            Assert.Equal(client["client_secret"]!.GetValue<string>(), lines[1]);
            Assert.Equal(26, lines[1].Length);
            Assert.Equal(["dashboard", "dashboard"], lines[2..]);
            Assert.Equal("dashboard", client["client_name"]!.GetValue<string>());
            Assert.Equal(["authorization_code", "refresh_token"], Strings(client["grant_types"]));
            Assert.Equal(["code", "id_token"], Strings(client["response_types"]));
            Assert.Equal("read write", client["scope"]!.GetValue<string>());
            Assert.Equal(["http://localhost:3001/api/auth/callback/blink"], Strings(client["redirect_uris"]));
            Assert.True(client["skip_consent"]!.GetValue<bool>());
            Assert.Equal("client_secret_basic", client["token_endpoint_auth_method"]!.GetValue<string>());

            // The secret jq read is the client's: a code flow for it ends in tokens.
            var flowClient = new FlowClient(lines[0], lines[1], "http://localhost:3001/api/auth/callback/blink");
            using var browser = new BrowserSession(server);
            var verifier = Pkce.NewVerifier();
            var loginChallenge = await browser.StartAsync(BrowserSession.Query(flowClient, "read write", verifier));
            var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(loginChallenge, new { subject = NewSubject() }));
            // Blink's consent app skips its screen when the consent request's client says so.
            Assert.True((await server.ConsentRequestAsync(consentChallenge))["client"]!["skip_consent"]!.GetValue<bool>());
            var callback = await browser.FollowToClientAsync(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read", "write" } }));
            using var exchanged = await server.ExchangeCodeAsync(flowClient, callback.Code!, verifier);
            Assert.Equal("read write", (await OkJsonAsync(exchanged, "code exchange"))["scope"]!.GetValue<string>());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

public sealed class SqliteBlinkSetupScriptTests(SqliteServerFixture server) : BlinkSetupScriptTests<SqliteServerFixture>(server);

public sealed class PostgresBlinkSetupScriptTests(PostgresServerFixture server) : BlinkSetupScriptTests<PostgresServerFixture>(server);
