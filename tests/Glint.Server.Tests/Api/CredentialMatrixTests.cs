using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Credential kind × granted scopes × operation class, each cell checked against the rule: anonymous fields are open;
/// reading needs read; receiving needs receive or write; other mutations, <c>apiKeyCreate</c> and <c>apiKeyRevoke</c> need write; write does not imply read;
/// session tokens are unrestricted and an OAuth token or API key without the scope gets exactly one error.
/// </summary>
public abstract class CredentialMatrixTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string ReadDenied = "Not authorized: this needs the read scope (AuthorizationError: not authorized to read data)";
    private const string WriteDenied = "Not authorized: this needs the write scope (AuthorizationError: not authorized to execute mutations)";
    private const string ReceiveDenied = "Not authorized: this needs the receive or write scope (AuthorizationError: not authorized to execute mutations)";

    /// <summary>The operation classes; receiving is checked on the caller's own BTC wallet.</summary>
    private static (string Name, string Query, string? Needs)[] Operations(ApiUser user) =>
    [
        ("receive mutation", $$"""mutation { lnInvoiceCreate(input: {walletId: "{{user.BtcWalletId}}", amount: 1000}) { errors { message } invoice { paymentHash } } }""", "receive"),
        ("anonymous field", "query { globals { network } }", null),
        ("read query", "query { me { id } }", "read"),
        ("authorization", "query { authorization { scopes } }", "read"),
        ("write mutation", """mutation { userUpdateLanguage(input: {language: "de"}) { errors { message } } }""", "write"),
        ("apiKeyCreate", """mutation { apiKeyCreate(input: {name: "matrix"}) { apiKeySecret } }""", "write"),
        ("apiKeyRevoke", $$"""mutation { apiKeyRevoke(input: {id: "{{Guid.Empty}}"}) { apiKey { id } } }""", "write"),
    ];

    [Theory]
    [MemberData(nameof(CredentialMatrix.ScopeSets), MemberType = typeof(CredentialMatrix))]
    public async Task OAuth_tokens_get_exactly_what_their_scopes_allow(string[] scopes)
    {
        var user = await server.NewUserAsync(grant: scopes);
        foreach (var operation in Operations(user))
        {
            AssertCell("oauth " + string.Join('+', scopes), operation, scopes, await server.GraphQLAsync(user.Token, operation.Query));
        }
    }

    [Theory]
    [MemberData(nameof(CredentialMatrix.ScopeSets), MemberType = typeof(CredentialMatrix))]
    public async Task Api_keys_get_exactly_what_their_scopes_allow(string[] scopes)
    {
        if (scopes.Length == 0)
        {
            return; // A key cannot be created without scopes (ApiKeyTests).
        }

        var owner = await server.NewUserAsync();
        var list = string.Join(", ", scopes.Select(scope => scope.ToUpperInvariant()));
        var secret = (await server.DataAsync(owner.Token, $"mutation {{ apiKeyCreate(input: {{name: \"m\", scopes: [{list}]}}) {{ apiKeySecret }} }}"))["apiKeyCreate"]!["apiKeySecret"].Str();
        foreach (var operation in Operations(owner))
        {
            AssertCell("api key " + string.Join('+', scopes), operation, scopes, await server.ApiKeyGraphQLAsync(secret, operation.Query));
        }
    }

    [Fact]
    public async Task Anonymous_callers_get_only_anonymous_fields()
    {
        var someone = await server.NewUserAsync();
        foreach (var (name, query, needs) in Operations(someone))
        {
            var body = await server.GraphQLAsync(null, query);
            if (needs is null)
            {
                Assert.True(body["errors"] is null, $"anonymous / {name}: {body.ToJsonString()}");
            }
            else
            {
                Assert.Equal("NOT_AUTHORIZED", SingleError(body)["code"].Str());
            }
        }
    }

    private static void AssertCell(string credential, (string Name, string Query, string? Needs) operation, string[] scopes, System.Text.Json.Nodes.JsonObject body)
    {
        // Receiving is also allowed by write (Blink's rule).
        var allowed = operation.Needs is null || scopes.Contains(operation.Needs) || (operation.Needs == "receive" && scopes.Contains("write"));
        var denial = body["errors"]?.AsArray().Select(error => error!["message"].Str()).FirstOrDefault(message => message is ReadDenied or WriteDenied or ReceiveDenied);
        if (allowed)
        {
            Assert.True(denial is null, $"{credential} / {operation.Name} should be allowed: {body.ToJsonString()}");
        }
        else
        {
            var error = SingleError(body);
            Assert.Equal(operation.Needs switch { "read" => ReadDenied, "receive" => ReceiveDenied, _ => WriteDenied }, error["message"].Str());
            Assert.Equal("NOT_AUTHORIZED", error["code"].Str());
            Assert.True(body["data"] is null || body["data"]!.GetValueKind() == System.Text.Json.JsonValueKind.Null || operation.Needs == "read", $"{credential} / {operation.Name}: {body.ToJsonString()}");
        }
    }
}

public static class CredentialMatrix
{
    public static TheoryData<string[]> ScopeSets => new(
        [[], ["read"], ["write"], ["receive"], ["read", "write"], ["read", "receive"], ["receive", "write"], ["read", "receive", "write"]]);
}

public sealed class SqliteCredentialMatrixTests(SqliteServerFixture server) : CredentialMatrixTests<SqliteServerFixture>(server);

public sealed class PostgresCredentialMatrixTests(PostgresServerFixture server) : CredentialMatrixTests<PostgresServerFixture>(server);
