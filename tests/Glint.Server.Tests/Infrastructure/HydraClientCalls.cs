using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glint.Server.Tests.Infrastructure;

/// <summary>Calls the tests make often: create a client, get a token. Each returns the raw response to assert on.</summary>
public static class HydraClientCalls
{
    public static async Task<JsonObject> CreateClientAsync(this GlintServerFixture server, object body)
    {
        using var response = await server.Admin.PostAsync("/admin/clients", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"create client: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static StringContent Json(object body) =>
        new(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static async Task<HttpResponseMessage> TokenAsync(this GlintServerFixture server, string clientId, string? secret, IDictionary<string, string> form, bool basic = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token");
        var fields = new Dictionary<string, string>(form);
        if (basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret ?? "")}")));
        }
        else
        {
            fields["client_id"] = clientId;
            if (secret is not null)
            {
                fields["client_secret"] = secret;
            }
        }

        request.Content = new FormUrlEncodedContent(fields);
        return await server.Public.SendAsync(request);
    }

    public static async Task<JsonObject> IntrospectAsync(this GlintServerFixture server, string token, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["token"] = token };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var response = await server.Admin.PostAsync("/admin/oauth2/introspect", new FormUrlEncodedContent(form));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<JsonObject> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
}
