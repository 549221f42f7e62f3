using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Clients;

/// <summary>
/// <c>GET /admin/clients</c> with Hydra v2.2.0's token pagination: <c>page_size</c>, <c>page_token</c>,
/// <c>X-Total-Count</c>, <c>Link</c>, and the <c>client_name</c> and <c>owner</c> filters. Every test lists only
/// clients of an owner (or name) of its own, so tests never see each other's clients.
/// </summary>
public abstract partial class ClientListTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task<string[]> CreateOwnedAsync(string owner, int count, string? name = null)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = $"{owner}-{i}";
            await server.CreateAsync(new JsonObject { ["client_id"] = id, ["owner"] = owner, ["client_name"] = name ?? "" });
            ids.Add(id);
        }

        return [.. ids];
    }

    private Task<AdminResponse> ListAsync(string query) => server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}?{query}");

    /// <summary>The Link header as rel → (page_size, offset decoded from page_token, the link's other query).</summary>
    private static Dictionary<string, (int PageSize, int Offset, Dictionary<string, string> Query)> Links(AdminResponse response)
    {
        var header = string.Join(",", response.Headers.GetValues("Link"));
        var links = new Dictionary<string, (int, int, Dictionary<string, string>)>();
        foreach (Match match in LinkPattern().Matches(header))
        {
            var target = match.Groups["url"].Value;
            Assert.StartsWith(ClientsPath + "?", target, StringComparison.Ordinal);
            var query = QueryHelpers.ParseQuery(target[target.IndexOf('?', StringComparison.Ordinal)..])
                .ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
            links[match.Groups["rel"].Value] = (int.Parse(query["page_size"], System.Globalization.CultureInfo.InvariantCulture), Offset(query["page_token"]), query);
        }

        return links;
    }

    private static int Offset(string pageToken)
    {
        var token = JsonNode.Parse(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken)))!.AsObject();
        Assert.Equal(["offset", "v"], token.Select(pair => pair.Key));
        Assert.Equal(2, token["v"]!.GetValue<int>());
        return int.Parse(token["offset"].Text(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string PageToken(int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"offset":"{{offset}}","v":2}"""));

    private static string[] Ids(AdminResponse response) => response.Items.Select(item => item!["client_id"].Text()).ToArray();

    [GeneratedRegex("""<(?<url>[^>]*)>;\s*rel="(?<rel>[a-z]+)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex LinkPattern();

    [Fact]
    public async Task List_ByOwner_ReturnsOnlyThoseClientsOrderedById()
    {
        var owner = NewId("own");
        var ids = await CreateOwnedAsync(owner, 3);
        await server.CreateAsync(new JsonObject { ["owner"] = NewId("someone-else") });

        var response = await ListAsync($"owner={owner}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.ContentHeaders.ContentType?.ToString());
        Assert.Equal(ids, Ids(response));
        Assert.Equal("3", response.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task List_NeverReturnsSecrets()
    {
        var owner = NewId("own");
        await server.CreateAsync(new JsonObject { ["owner"] = owner, ["client_secret"] = "listed-secret" });
        await server.CreateAsync(new JsonObject { ["owner"] = owner });

        var response = await ListAsync($"owner={owner}");

        Assert.Equal(2, response.Items.Count);
        Assert.DoesNotContain("\"client_secret\":", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("listed-secret", response.Body, StringComparison.Ordinal);
        Assert.All(response.Items, item => Assert.Equal("{}", item!["jwks"]!.ToJsonString()));
    }

    [Fact]
    public async Task List_ByClientName_FiltersExactly()
    {
        var owner = NewId("own");
        var name = NewId("name");
        var named = await CreateOwnedAsync(owner, 2, name);
        await server.CreateAsync(new JsonObject { ["owner"] = owner, ["client_name"] = name + "-longer" });
        await server.CreateAsync(new JsonObject { ["owner"] = owner, ["client_name"] = name.ToUpperInvariant() });

        var byName = await ListAsync($"client_name={name}");
        var byBoth = await ListAsync($"client_name={name}&owner={owner}");
        var byOwner = await ListAsync($"owner={owner}");

        Assert.Equal(named, Ids(byName));
        Assert.Equal(named, Ids(byBoth));
        Assert.Equal(4, byOwner.Items.Count);
    }

    [Fact]
    public async Task List_NoMatch_IsEmptyArrayWithZeroTotal()
    {
        var response = await ListAsync($"owner={NewId("nobody")}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("[]", response.Body);
        Assert.Equal("0", response.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task List_Paginated_WalksAllPagesWithLinks()
    {
        var owner = NewId("page");
        var ids = await CreateOwnedAsync(owner, 5);

        var first = await ListAsync($"owner={owner}&page_size=2");
        Assert.Equal(ids[..2], Ids(first));
        Assert.Equal("5", first.Headers.GetValues("X-Total-Count").Single());
        var links = Links(first);
        Assert.Equal(0, links["first"].Offset);
        Assert.Equal(2, links["next"].Offset);
        Assert.Equal(4, links["last"].Offset);
        Assert.False(links.ContainsKey("prev"));
        Assert.All(links.Values, link => Assert.Equal(2, link.PageSize));
        Assert.All(links.Values, link => Assert.Equal(owner, link.Query["owner"])); // filters are kept in the links

        var second = await ListAsync($"owner={owner}&page_size=2&page_token={links["next"].Query["page_token"]}");
        Assert.Equal(ids[2..4], Ids(second));
        links = Links(second);
        Assert.Equal(0, links["prev"].Offset);
        Assert.Equal(4, links["next"].Offset);

        var last = await ListAsync($"owner={owner}&page_size=2&page_token={links["next"].Query["page_token"]}");
        Assert.Equal(ids[4..], Ids(last));
        links = Links(last);
        Assert.False(links.ContainsKey("next"));
        Assert.Equal(2, links["prev"].Offset);
        Assert.Equal("5", last.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task List_PageTokenOfHydraFormat_IsAccepted()
    {
        var owner = NewId("token");
        var ids = await CreateOwnedAsync(owner, 4);

        // Exactly what Hydra v2.2.0 hands out: base64url without padding of {"offset":"3","v":2}.
        var response = await ListAsync($"owner={owner}&page_size=10&page_token={PageToken(3)}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(ids[3..], Ids(response));
        Assert.Equal("eyJvZmZzZXQiOiIzIiwidiI6Mn0", PageToken(3));
    }

    [Fact]
    public async Task List_WithoutPageSize_UsesDefault250()
    {
        var owner = NewId("default");
        await CreateOwnedAsync(owner, 1);

        var links = Links(await ListAsync($"owner={owner}"));

        Assert.Equal(250, links["first"].PageSize);
    }

    [Theory]
    [InlineData("5000", 1000)]
    [InlineData("1000", 1000)]
    [InlineData("0", 1)]
    [InlineData("-3", 1)]
    [InlineData("abc", 250)]
    public async Task List_PageSize_IsClampedLikeHydra(string pageSize, int effective)
    {
        var owner = NewId("clamp");
        await CreateOwnedAsync(owner, 2);

        var response = await ListAsync($"owner={owner}&page_size={pageSize}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(Math.Min(2, effective), response.Items.Count);
        Assert.Equal(effective, Links(response)["first"].PageSize);
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("eyJmb28iOiJiYXIifQ")] // {"foo":"bar"}
    [InlineData("bm90IGpzb24")] // not json
    public async Task List_BadPageToken_Is400(string token)
    {
        var response = await ListAsync($"page_token={token}");

        AssertError(response, HttpStatusCode.BadRequest, Malformed);
    }
}

public sealed class SqliteClientListTests(SqliteServerFixture server) : ClientListTests<SqliteServerFixture>(server);

public sealed class PostgresClientListTests(PostgresServerFixture server) : ClientListTests<PostgresServerFixture>(server);
