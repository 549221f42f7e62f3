using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hostile;

/// <summary>
/// A deterministic fuzz run: a few thousand requests, each a valid request of one endpoint with its form, JSON,
/// query string or headers mutated by a seeded random generator. No answer may be a 5xx or name a .NET type.
/// A failure lists the seed, the request number and the request, so that it can be replayed.
/// </summary>
public abstract class HostileFuzzTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const int Workers = 4;
    private const int RequestsPerWorker = 600;

    private static readonly string[] Pieces =
    [
        "%00", "%FF", "%zz", "%", "%C3%28", "%E2%82", "%0D%0A", "%7F", "%1B", "%2B", "+", "&", "=", "==", "\"", "'", "<script>", "{", "}", "[", "]",
        "\\u0000", "\\ud800", "null", "true", "-1", "1e309", "9999999999999999999999", "0x10", "é", "𝄞", "\u202e", " ", "\t", "..", "/", "\\",
        "openid", "offline_access", "client_credentials", "authorization_code", "refresh_token", "code", "S256", "none", "admin", "*",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded; charset=bogus", "application/x-www-form-urlencoded; charset=utf-16", "application/json; charset=latin1",
        "", ";;;", "application/x-www-form-urlencoded; charset=\"utf-8\"; x=\u00ff",
    ];

    [Fact]
    public async Task ThousandsOfMutatedRequests_GetNoServerError()
    {
        var scene = await HostileScene.CreateAsync(server);
        var failures = await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => RunAsync(scene, seed: 1900 + worker)));

        var all = failures.SelectMany(list => list).ToList();
        Assert.True(all.Count == 0, $"{all.Count} of {Workers * RequestsPerWorker} requests failed:\n" + string.Join('\n', all.Take(40)));
        using var health = await server.Public.GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<List<string>> RunAsync(HostileScene scene, int seed)
    {
        var random = new Random(seed);
        var failures = new List<string>();
        for (var i = 0; i < RequestsPerWorker; i++)
        {
            var endpoint = scene.Endpoints[random.Next(scene.Endpoints.Count)];
            var query = Mutate(random, endpoint.Query, '&', 0.5);
            byte[]? body = endpoint.Body switch
            {
                BodyKind.Form => Encoding.UTF8.GetBytes(Mutate(random, endpoint.ValidBody, '&', 0.7)),
                BodyKind.Json => MutateJson(random, endpoint.ValidBody),
                _ => random.Next(8) == 0 ? Encoding.UTF8.GetBytes(Noise(random)) : null,
            };
            if (body is not null && random.Next(10) == 0)
            {
                body = [.. body.Take(random.Next(body.Length + 1)), .. RandomBytes(random, random.Next(1, 8))];
            }

            var contentType = random.Next(6) == 0 ? ContentTypes[random.Next(ContentTypes.Length)] : null;
            var headers = Headers(random);
            RawResponse response;
            try
            {
                response = await scene.SendAsync(endpoint, query, body, contentType, headers);
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                failures.Add($"seed {seed} #{i} {endpoint} ?{query}: no answer ({exception.GetType().Name})");
                continue;
            }

            if (HostileScene.ServerProblem(response) is { } problem)
            {
                var sent = body is null ? "" : Encoding.UTF8.GetString(body);
                failures.Add($"seed {seed} #{i} {endpoint} ?{Shorten(query)} [{contentType}] {Shorten(sent)}: {problem}");
            }
        }

        return failures;
    }

    /// <summary>Mutates a form body or query string: values replaced by noise, fields dropped, duplicated or added.</summary>
    private static string Mutate(Random random, string valid, char separator, double chance)
    {
        var fields = valid.Split(separator, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (random.NextDouble() > chance)
        {
            return valid;
        }

        for (var step = random.Next(1, 4); step > 0; step--)
        {
            switch (random.Next(6))
            {
                case 0 when fields.Count > 0:
                    var index = random.Next(fields.Count);
                    var name = fields[index].Split('=')[0];
                    fields[index] = name + "=" + Noise(random);
                    break;
                case 1 when fields.Count > 0:
                    fields.RemoveAt(random.Next(fields.Count));
                    break;
                case 2 when fields.Count > 0:
                    fields.Add(fields[random.Next(fields.Count)]);
                    break;
                case 3:
                    fields.Add(Noise(random) + "=" + Noise(random));
                    break;
                case 4:
                    fields.Add(Noise(random));
                    break;
                default:
                    fields.Insert(random.Next(fields.Count + 1), Pieces[random.Next(Pieces.Length)]);
                    break;
            }
        }

        return string.Join(separator, fields);
    }

    /// <summary>Mutates a JSON body: a value of another type, a control character, a deep or long value, broken text.</summary>
    private static byte[] MutateJson(Random random, string valid)
    {
        var node = JsonNode.Parse(valid)!;
        switch (random.Next(6))
        {
            case 0 when node is JsonObject obj && obj.Count > 0:
                obj[obj.ElementAt(random.Next(obj.Count)).Key] = RandomJson(random, depth: 0);
                break;
            case 1 when node is JsonObject obj:
                obj[Noise(random)] = RandomJson(random, depth: 0);
                break;
            case 2:
                node = RandomJson(random, depth: 0);
                break;
            case 3:
                var text = valid;
                var at = random.Next(text.Length + 1);
                return Encoding.UTF8.GetBytes(text[..at] + Pieces[random.Next(Pieces.Length)] + text[at..]);
            case 4:
                return Encoding.UTF8.GetBytes(new string('[', random.Next(60, 3000)) + "1" + new string(']', random.Next(0, 3000)));
            default:
                if (node is JsonArray array && array.Count > 0 && array[0] is JsonObject operation)
                {
                    operation[random.Next(2) == 0 ? "path" : "value"] = RandomJson(random, depth: 0);
                }

                break;
        }

        return Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null");
    }

    private static JsonNode? RandomJson(Random random, int depth) => random.Next(depth > 3 ? 5 : 8) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.NextDouble() * Math.Pow(10, random.Next(-5, 300))),
        3 => JsonValue.Create(Noise(random) + (char)random.Next(0, 32)),
        4 => JsonValue.Create(new string('x', random.Next(0, 5000))),
        5 => new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomJson(random, depth + 1))]),
        6 => new JsonObject(Enumerable.Range(0, random.Next(0, 4)).Select(i => KeyValuePair.Create(Noise(random) + i, RandomJson(random, depth + 1)))),
        _ => new JsonArray([.. Enumerable.Range(0, random.Next(0, 300)).Select(i => (JsonNode?)JsonValue.Create("s" + i))]),
    };

    private static string Noise(Random random)
    {
        var builder = new StringBuilder();
        for (var count = random.Next(0, 5); count >= 0; count--)
        {
            builder.Append(random.Next(3) switch
            {
                0 => Pieces[random.Next(Pieces.Length)],
                1 => "%" + random.Next(256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture),
                _ => Guid.NewGuid().ToString("N")[..random.Next(1, 32)],
            });
        }

        return random.Next(40) == 0 ? builder.Append(new string('n', random.Next(1000, 9000))).ToString() : builder.ToString();
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static List<KeyValuePair<string, string>> Headers(Random random)
    {
        var headers = new List<KeyValuePair<string, string>>();
        switch (random.Next(8))
        {
            case 0:
                headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Noise(random) + ":" + Noise(random)))));
                break;
            case 1:
                headers.Add(new("Authorization", "Bearer " + Noise(random).Replace(" ", "", StringComparison.Ordinal)));
                break;
            case 2:
                headers.Add(new("Cookie", "glint_csrf=" + Noise(random).Replace(";", "", StringComparison.Ordinal) + "; glint_login_session=" + Guid.NewGuid()));
                break;
            case 3:
                headers.Add(new("Accept-Language", Noise(random).Replace("\t", "", StringComparison.Ordinal)));
                headers.Add(new("X-Forwarded-For", "999.1.1.1, ::ffff:zz"));
                break;
            case 4:
                headers.Add(new("Authorization", Pieces[random.Next(Pieces.Length)]));
                break;
        }

        return headers;
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;
}

public sealed class SqliteHostileFuzzTests(SqliteServerFixture server) : HostileFuzzTests<SqliteServerFixture>(server);

public sealed class PostgresHostileFuzzTests(PostgresServerFixture server) : HostileFuzzTests<PostgresServerFixture>(server);
