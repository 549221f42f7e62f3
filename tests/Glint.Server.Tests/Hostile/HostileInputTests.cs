using System.Net;
using System.Text;
using Glint.Server.Tests.Clients;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hostile;

/// <summary>
/// Malformed, oversized, deeply nested and wrongly encoded input against every public and admin endpoint: each is
/// refused with a 4xx in the endpoint's own error format, names no .NET type, and the server serves normally after.
/// GraphQL has its own suite.
/// </summary>
public abstract class HostileInputTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static readonly byte[] FiveMegabytes = Encoding.ASCII.GetBytes("a=" + new string('x', 5 * 1024 * 1024));

    [Fact]
    public async Task FormEndpoints_RefuseBrokenForms_InTheirOwnFormat()
    {
        var scene = await HostileScene.CreateAsync(server);
        var problems = new List<string>();
        foreach (var endpoint in scene.Endpoints.Where(e => e.Body == BodyKind.Form))
        {
            var valid = endpoint.ValidBody;
            var attacks = new (string Name, Func<Task<RawResponse>> Send, int[] Statuses)[]
            {
                ("a NUL value", () => scene.SendAsync(endpoint, body: Ascii("grant_type=%00&" + valid)), [400]),
                ("1,100 fields", () => scene.SendAsync(endpoint, body: Ascii(string.Join('&', Enumerable.Range(0, 1100).Select(i => $"f{i}=1")))), [400]),
                ("a 70 KB value", () => scene.SendAsync(endpoint, body: Ascii(valid + "&big=" + new string('x', 70 * 1024))), [413]),
                ("a 5 MB value", () => scene.SendAsync(endpoint, body: FiveMegabytes), [413]),
                ("a 200 KB chunked body", () => scene.SendAsync(endpoint, body: Ascii("a=" + new string('x', 200 * 1024)), chunked: true), [413]),
                ("multipart without a boundary", () => scene.SendAsync(endpoint, body: Ascii(valid), contentType: "multipart/form-data"), [400]),
                ("invalid UTF-8", () => scene.SendAsync(endpoint, body: [.. Ascii(valid + "&x="), 0xFF, 0xFE, 0xC3, 0x28, (byte)'&', (byte)'y', (byte)'=', 0x80]), [400]),
            };
            foreach (var (name, send, statuses) in attacks)
            {
                if (HostileScene.RefusalProblem(endpoint, await send(), statuses) is { } problem)
                {
                    problems.Add($"{endpoint} with {name}: {problem}");
                }
            }

            var survivable = new (string Name, byte[] Body, string? ContentType)[]
            {
                // Left undecoded by ASP.NET Core, so the value is the literal text the client sent.
                ("percent-encoded invalid UTF-8", Ascii(valid + "&state=%C3%28"), null),
                ("broken percent-encoding", Ascii(valid + "&x=%zz%G1%&%=1&y=%e2%82"), null),
                ("a JSON content type", Ascii(valid), "application/json"),
                ("a text content type", Ascii(valid), "text/plain"),
                ("an unknown charset", Ascii(valid), "application/x-www-form-urlencoded; charset=bogus-8"),
                ("a UTF-16 charset", Ascii(valid), "application/x-www-form-urlencoded; charset=utf-16"),
                ("an empty body", [], null),
                ("only separators", Ascii("&&&==&=&"), null),
                ("duplicated parameters", Ascii(valid + "&" + valid), null),
            };
            foreach (var (name, body, contentType) in survivable)
            {
                if (HostileScene.ServerProblem(await scene.SendAsync(endpoint, body: body, contentType: contentType)) is { } problem)
                {
                    problems.Add($"{endpoint} with {name}: {problem}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        await AssertStillServesAsync(scene);
    }

    [Fact]
    public async Task JsonEndpoints_RefuseMalformedJson_InTheirOwnFormat()
    {
        var scene = await HostileScene.CreateAsync(server);
        var problems = new List<string>();
        foreach (var endpoint in scene.Endpoints.Where(e => e.Body == BodyKind.Json))
        {
            var attacks = new (string Name, byte[] Body, bool Chunked, int[] Statuses)[]
            {
                ("broken JSON", Ascii("{\"a\": tru"), false, []),
                ("10,000 levels of nesting", Ascii(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)), false, []),
                ("10,000 nested arrays", Ascii(new string('[', 10_000) + new string(']', 10_000)), false, []),
                ("invalid UTF-8 in a string", [.. Ascii("{\"subject\":\"a"), 0xFF, 0xFE, .. Ascii("\",\"client_name\":\"b\"}")], false, []),
                ("a 2 MB body", Ascii("{\"client_name\":\"" + new string('x', 2 * 1024 * 1024) + "\"}"), false, [413]),
                ("a 2 MB chunked body", Ascii("{\"client_name\":\"" + new string('x', 2 * 1024 * 1024) + "\"}"), true, [413]),
            };
            foreach (var (name, body, chunked, statuses) in attacks)
            {
                if (HostileScene.RefusalProblem(endpoint, await scene.SendAsync(endpoint, body: body, chunked: chunked), statuses) is { } problem)
                {
                    problems.Add($"{endpoint} with {name}: {problem}");
                }
            }

            foreach (var body in WrongTypes(endpoint.ValidBody).Append("[]").Append("\"text\"").Append("null").Append("5").Append(""))
            {
                if (HostileScene.ServerProblem(await scene.SendAsync(endpoint, body: Ascii(body))) is { } problem)
                {
                    problems.Add($"{endpoint} with {body}: {problem}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        await AssertStillServesAsync(scene);
    }

    [Fact]
    public async Task EveryEndpoint_RefusesANulInTheQuery_InItsOwnFormat()
    {
        var scene = await HostileScene.CreateAsync(server);
        var problems = new List<string>();
        foreach (var endpoint in scene.Endpoints)
        {
            var query = endpoint.Query.Length > 0 ? endpoint.Query + "%00" : "client_id=a%00b";
            if (HostileScene.RefusalProblem(endpoint, await scene.SendAsync(endpoint, query, Body(endpoint)), 400) is { } problem)
            {
                problems.Add($"{endpoint}: {problem}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        await AssertStillServesAsync(scene);
    }

    [Fact]
    public async Task EveryEndpoint_SurvivesQueryAndHeaderAbuse()
    {
        var scene = await HostileScene.CreateAsync(server);
        var problems = new List<string>();
        foreach (var endpoint in scene.Endpoints)
        {
            var sep = endpoint.Query.Length > 0 ? "&" : "";
            var refused = new (string Name, Func<Task<RawResponse>> Send, int[] Statuses)[]
            {
                ("a 16 KB query string", () => scene.SendAsync(endpoint, endpoint.Query + sep + "x=" + new string('a', 16 * 1024), Body(endpoint)), [414]),
                ("a 40 KB cookie", () => scene.SendAsync(endpoint, body: Body(endpoint), headers: [new("Cookie", "a=" + new string('c', 40 * 1024))]), [431]),
                ("raw bytes above ASCII in the target", () => scene.SendRawAsync(endpoint, [.. Encoding.ASCII.GetBytes(endpoint.Path + "?x="), 0xFF, 0xC3], Body(endpoint), null), [400]),
            };
            foreach (var (name, send, statuses) in refused)
            {
                var response = await send();
                // Kestrel answers these before any endpoint runs, with an empty body: the status is the whole answer.
                if (!statuses.Contains(response.Status) || HostileScene.ServerProblem(response) is not null)
                {
                    problems.Add($"{endpoint} with {name}: {response.Describe()}");
                }
            }

            var survivable = new (string Name, string Query, KeyValuePair<string, string>[] Headers)[]
            {
                ("600 repeated parameters", endpoint.Query + sep + string.Join('&', Enumerable.Repeat("client_id=x&scope=y", 300)), []),
                ("broken percent-encoding", endpoint.Query + sep + "x=%zz&%=1&y=%e2%82&z=%", []),
                // Left undecoded by ASP.NET Core, so the value is the literal text the client sent.
                ("percent-encoded invalid UTF-8", endpoint.Query + sep + "client_id=%FF%FE&state=%C3%28", []),
                ("control characters", endpoint.Query + sep + "client_id=%01%02%1B&state=%7F", []),
                ("a garbage Basic credential", endpoint.Query, [new("Authorization", "Basic !!!not-base64")]),
                ("a Basic credential with a NUL", endpoint.Query, [new("Authorization", "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("a%00b:c%00")))]),
                ("a garbage bearer token", endpoint.Query, [new("Authorization", "Bearer " + new string('x', 4000))]),
                ("a garbage cookie", endpoint.Query, [new("Cookie", "glint_csrf=%%%; .AspNetCore.Antiforgery=\u00ff; glint_session=" + new string('z', 3000))]),
            };
            foreach (var (name, query, headers) in survivable)
            {
                if (HostileScene.ServerProblem(await scene.SendAsync(endpoint, query, Body(endpoint), headers: headers)) is { } problem)
                {
                    problems.Add($"{endpoint} with {name}: {problem}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        await AssertStillServesAsync(scene);
    }

    /// <summary>The server still answers a normal request on both ports: health, a token, the admin API.</summary>
    private async Task AssertStillServesAsync(HostileScene scene)
    {
        Assert.Equal(HttpStatusCode.OK, (await server.Public.GetAsync("/health/ready")).StatusCode);
        var token = scene.Endpoints.First(e => e.Path == "/oauth2/token");
        var issued = await scene.SendAsync(token, body: Ascii(token.ValidBody));
        Assert.True(issued.Status == 200, "token: " + issued.Describe());
        var created = await server.PostClientAsync(ClientAdmin.Body("""{"client_name":"after the attack"}"""));
        Assert.True(created.Status == HttpStatusCode.Created, created.Describe());
    }

    private static byte[]? Body(HostileEndpoint endpoint) => endpoint.Body == BodyKind.None ? null : Ascii(endpoint.ValidBody);

    private static byte[] Ascii(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The valid body with each top-level value in turn replaced by one of another JSON type.</summary>
    private static IEnumerable<string> WrongTypes(string valid)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(valid) is not System.Text.Json.Nodes.JsonObject template)
        {
            yield break;
        }

        foreach (var name in template.Select(pair => pair.Key).ToList())
        {
            foreach (var replacement in new[] { "12345", "\"text\"", "[\"a\",1,null]", "{\"nested\":{\"deeper\":[{}]}}", "true", "null", "\"a\\u0000b\"", "-1e308" })
            {
                var copy = template.DeepClone().AsObject();
                copy[name] = System.Text.Json.Nodes.JsonNode.Parse(replacement);
                yield return copy.ToJsonString();
            }
        }
    }
}

public sealed class SqliteHostileInputTests(SqliteServerFixture server) : HostileInputTests<SqliteServerFixture>(server);

public sealed class PostgresHostileInputTests(PostgresServerFixture server) : HostileInputTests<PostgresServerFixture>(server);
