using System.Net;

namespace Glint.Server.Tests.Developers;

/// <summary>The developer portal end to end over HTTP: registration, review, the secret once, rotation, edits, deletion.</summary>
public abstract class DeveloperPortalTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : DeveloperServerFixture
{
    [Fact]
    public async Task A_registered_app_waits_for_review_then_its_secret_is_shown_once_and_authenticates()
    {
        using var developer = await Developer.SignInAsync(server);
        var (empty, _) = await developer.Pages.GoAsync("/developers");
        Assert.True(empty!.Has("no-apps"));

        var pending = await developer.RegisterAsync(scopes: ["read", "receive"]);
        Assert.Equal("Pending review", pending.Text("app-status"));
        Assert.False(pending.Has("client-id"));
        var id = Developer.AppId(pending);
        var (list, _) = await developer.Pages.GoAsync("/developers");
        Assert.Equal("Pending review", list!.Text("app-status"));

        var (queued, queue) = await server.GetJsonAsync("/admin/apps?status=pending");
        Assert.Equal(HttpStatusCode.OK, queued);
        var listed = queue!.AsArray().Single(app => app!["id"]!.GetValue<string>() == id.ToString("D"))!;
        Assert.Equal("read receive", listed["scope"]!.GetValue<string>());
        Assert.Equal(developer.Subject, listed["owner"]!.GetValue<string>());

        var (approved, app) = await server.DecideAsync(id.ToString("D"), "approve");
        Assert.Equal(HttpStatusCode.OK, approved);
        Assert.Equal("approved", app!["status"]!.GetValue<string>());
        var clientId = app["client_id"]!.GetValue<string>();
        Assert.Equal("Your app Tip jar: approved", await server.LastMailSubjectAsync(developer.Email));

        var (client, body) = await server.GetJsonAsync($"/admin/clients/{clientId}");
        Assert.Equal(HttpStatusCode.OK, client);
        Assert.Equal(developer.Subject, body!["owner"]!.GetValue<string>());
        Assert.Equal(id.ToString("D"), body["metadata"]!["glint_app_id"]!.GetValue<string>());
        Assert.Equal("read receive", body["scope"]!.GetValue<string>());
        Assert.Null(body["client_secret"]);

        var first = await developer.AppPageAsync(id);
        Assert.Equal(clientId, first.Text("client-id"));
        var secret = first.Text("client-secret");
        Assert.False(string.IsNullOrEmpty(secret));
        var second = await developer.AppPageAsync(id);
        Assert.False(second.Has("client-secret"));
        Assert.Equal(clientId, second.Text("client-id"));

        Assert.Equal(HttpStatusCode.OK, await Developer.RevokeWithAsync(server, clientId, secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await Developer.RevokeWithAsync(server, clientId, secret + "x"));
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, secret));
        Assert.Equal("invalid_client", await Developer.TokenErrorAsync(server, clientId, "wrong-secret"));
    }

    [Fact]
    public async Task A_HEAD_on_the_app_page_leaves_the_secret_for_the_page_the_developer_opens()
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync());
        var (approved, _) = await server.DecideAsync(id.ToString("D"), "approve");
        Assert.Equal(HttpStatusCode.OK, approved);

        using var request = new HttpRequestMessage(HttpMethod.Head, $"/developers/apps/{id:D}");
        using var head = await developer.Pages.Browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        var page = await developer.AppPageAsync(id);
        Assert.False(string.IsNullOrEmpty(page.Text("client-secret")));
    }

    [Fact]
    public async Task A_rotated_secret_overlaps_the_old_one_until_the_window_ends_or_the_developer_ends_it()
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync());
        var (_, app) = await server.DecideAsync(id.ToString("D"), "approve");
        var clientId = app!["client_id"]!.GetValue<string>();
        var page = await developer.AppPageAsync(id);
        var original = page.Text("client-secret")!;

        var (rotated, _) = await developer.Pages.SubmitAsync(page, $"/developers/apps/{id:D}?handler=Rotate", [new("OverlapHours", "24")]);
        var second = rotated!.Text("client-secret")!;
        Assert.NotEqual(original, second);
        Assert.True(rotated.Has("overlap"));
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, original));
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, second));
        Assert.Equal(HttpStatusCode.OK, await Developer.RevokeWithAsync(server, clientId, original));
        Assert.Equal(HttpStatusCode.OK, await Developer.RevokeWithAsync(server, clientId, second));
        Assert.False((await developer.AppPageAsync(id)).Has("client-secret"));

        // Ending the overlap early: only the newest secret works, at once.
        var (again, _) = await developer.Pages.SubmitAsync(rotated, $"/developers/apps/{id:D}?handler=Rotate", [new("OverlapHours", "168")]);
        var third = again!.Text("client-secret")!;
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, second));
        var (ended, _) = await developer.Pages.SubmitAsync(again, $"/developers/apps/{id:D}?handler=EndOverlap", []);
        Assert.False(ended!.Has("overlap"));
        Assert.Equal("invalid_client", await Developer.TokenErrorAsync(server, clientId, second));
        Assert.Equal("invalid_client", await Developer.TokenErrorAsync(server, clientId, original));
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, third));

        // The window running out: a day later the old secret stops by itself.
        var (last, _) = await developer.Pages.SubmitAsync(ended, $"/developers/apps/{id:D}?handler=Rotate", [new("OverlapHours", "24")]);
        var fourth = last!.Text("client-secret")!;
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, third));
        server.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.Equal("invalid_client", await Developer.TokenErrorAsync(server, clientId, third));
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, fourth));

        var (history, events) = await server.GetJsonAsync($"/admin/apps/{id:D}/history");
        Assert.Equal(HttpStatusCode.OK, history);
        Assert.Equal(["registered", "approved", "secret_rotated", "secret_rotated", "overlap_ended", "secret_rotated"],
            events!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("2147483647")] // hours past TimeSpan's range
    [InlineData("99999999999")] // past an int: does not bind
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("169")]
    public async Task A_rotation_with_an_overlap_out_of_range_is_refused_and_keeps_the_secret(string hours)
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync());
        var (_, app) = await server.DecideAsync(id.ToString("D"), "approve");
        var clientId = app!["client_id"]!.GetValue<string>();
        var page = await developer.AppPageAsync(id);
        var secret = page.Text("client-secret")!;

        var (refused, _) = await developer.Pages.SubmitAsync(page, $"/developers/apps/{id:D}?handler=Rotate", [new("OverlapHours", hours)]);

        Assert.Equal("Overlap: the old secret may keep working for 0 to 168 hours (7 days).", refused!.Text("error"));
        Assert.False(refused.Has("client-secret"));
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, secret));
    }

    [Fact]
    public async Task The_form_refuses_bad_urls_unknown_scopes_and_missing_fields_naming_the_field()
    {
        using var developer = await Developer.SignInAsync(server);

        Assert.Equal("Callback URLs: a URL must not contain control characters.",
            (await developer.RegisterAsync(redirectUris: "https://app.example.com/cb\u0001")).Text("error"));
        Assert.Equal("Name: give the app a name of 1 to 100 characters, without control characters.",
            (await developer.RegisterAsync(name: "Bell\u0007")).Text("error"));

        Assert.Equal("Callback URLs: http://app.example.com/cb must use https; http is allowed only for 127.0.0.1, [::1] or localhost.",
            (await developer.RegisterAsync(redirectUris: "http://app.example.com/cb")).Text("error"));
        Assert.Equal("Callback URLs: https://app.example.com/cb#x must not contain a fragment (#).",
            (await developer.RegisterAsync(redirectUris: "https://app.example.com/cb#x")).Text("error"));
        Assert.Equal("Logo URL: http://app.example.com/logo.png must use https.",
            (await developer.RegisterAsync(logo: "http://app.example.com/logo.png")).Text("error"));
        Assert.StartsWith("Scopes: 'admin' is not a scope this server offers",
            (await developer.RegisterAsync(scopes: ["read", "admin"])).Text("error"), StringComparison.Ordinal);
        Assert.Equal("Scopes: choose at least one scope.", (await developer.RegisterAsync(scopes: [])).Text("error"));
        Assert.StartsWith("Client type: choose one of", (await developer.RegisterAsync(authMethod: "private_key_jwt")).Text("error"), StringComparison.Ordinal);

        var loopback = await developer.RegisterAsync(redirectUris: "http://127.0.0.1:3000/cb\nhttp://localhost:3000/cb", authMethod: "none");
        Assert.Equal("Pending review", loopback.Text("app-status"));
        var (apps, _) = await developer.Pages.GoAsync("/developers");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(apps!.Html, "data-testid=\"app\""));
    }

    [Fact]
    public async Task An_empty_scope_value_names_no_scope()
    {
        using var developer = await Developer.SignInAsync(server);

        // The form binds an empty value as a null element of the list.
        Assert.Equal("Scopes: choose at least one scope.", (await developer.RegisterAsync(scopes: [""])).Text("error"));
        var registered = await developer.RegisterAsync(scopes: ["read", ""]);
        Assert.Equal("Pending review", registered.Text("app-status"));
    }

    [Fact]
    public async Task The_portal_needs_a_signed_in_user_and_its_forms_need_the_csrf_token()
    {
        using var visitor = new Login.LoginPages(server);
        var (page, _) = await visitor.GoAsync("/developers");
        Assert.Equal("/login", page!.Path);

        using var developer = await Developer.SignInAsync(server);
        var (form, _) = await developer.Pages.GoAsync("/developers/new");
        Assert.Equal("DENY", form!.Response.Headers.GetValues("X-Frame-Options").Single());
        var (refused, _) = await developer.Pages.SubmitAsync(form, "/developers/new", [new("Name", "x")], withCsrf: false);
        Assert.Equal(HttpStatusCode.BadRequest, refused!.Status);
    }

    [Fact]
    public async Task Another_developers_app_is_not_found()
    {
        using var owner = await Developer.SignInAsync(server);
        var id = Developer.AppId(await owner.RegisterAsync());
        using var other = await Developer.SignInAsync(server);

        var (page, _) = await other.Pages.GoAsync($"/developers/apps/{id:D}");

        Assert.Equal(HttpStatusCode.NotFound, page!.Status);
    }

    [Fact]
    public async Task Adding_a_callback_goes_back_to_review_while_the_client_keeps_its_approved_values()
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync());
        var (_, app) = await server.DecideAsync(id.ToString("D"), "approve");
        var clientId = app!["client_id"]!.GetValue<string>();

        var (edit, _) = await developer.Pages.GoAsync($"/developers/apps/{id:D}/edit");
        var saved = await developer.PostAsync(edit!, $"/developers/apps/{id:D}/edit",
        [
            new("Name", "Tip jar 2"), new("Description", "Same app, new name."), new("ContactEmail", developer.Email), new("AuthMethod", "client_secret_basic"),
            new("RedirectUris", "https://app.example.com/callback\nhttps://app.example.com/other"), new("Scopes", "read"), new("Scopes", "receive"), new("Scopes", "write"),
        ]);
        Assert.Equal("Approved, changes pending review", saved.Text("app-status"));

        var (_, client) = await server.GetJsonAsync($"/admin/clients/{clientId}");
        Assert.Equal("Tip jar 2", client!["client_name"]!.GetValue<string>());
        Assert.Equal(["https://app.example.com/callback"], client["redirect_uris"]!.AsArray().Select(uri => uri!.GetValue<string>()));
        Assert.Equal("read receive", client["scope"]!.GetValue<string>());
        var (_, queue) = await server.GetJsonAsync("/admin/apps?status=pending");
        var queued = queue!.AsArray().Single(entry => entry!["id"]!.GetValue<string>() == id.ToString("D"))!;
        Assert.Equal("read receive write", queued["pending_changes"]!["scope"]!.GetValue<string>());

        var (approved, _) = await server.DecideAsync(id.ToString("D"), "approve");
        Assert.Equal(HttpStatusCode.OK, approved);
        (_, client) = await server.GetJsonAsync($"/admin/clients/{clientId}");
        Assert.Equal(2, client!["redirect_uris"]!.AsArray().Count);
        Assert.Equal("read receive write", client["scope"]!.GetValue<string>());
        Assert.False((await developer.AppPageAsync(id)).Has("client-secret"));
    }

    [Fact]
    public async Task Deleting_an_app_deletes_its_client()
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync());
        var (_, app) = await server.DecideAsync(id.ToString("D"), "approve");
        var clientId = app!["client_id"]!.GetValue<string>();
        var page = await developer.AppPageAsync(id);
        var secret = page.Text("client-secret")!;

        var (list, _) = await developer.Pages.SubmitAsync(page, $"/developers/apps/{id:D}?handler=Delete", []);

        Assert.Equal("/developers", list!.Path);
        var (gone, _) = await server.GetJsonAsync($"/admin/clients/{clientId}");
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.Equal(HttpStatusCode.Unauthorized, await Developer.RevokeWithAsync(server, clientId, secret));
        var (history, _) = await server.GetJsonAsync($"/admin/apps/{id:D}/history");
        Assert.Equal(HttpStatusCode.OK, history);
    }

    [Fact]
    public async Task The_guide_fills_in_the_app_and_encodes_what_the_developer_typed()
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync(name: "<script>alert(1)</script>"));
        var (_, app) = await server.DecideAsync(id.ToString("D"), "approve");
        var clientId = app!["client_id"]!.GetValue<string>();

        var (guide, _) = await developer.Pages.GoAsync($"/developers/apps/{id:D}/guide");

        Assert.Equal(HttpStatusCode.OK, guide!.Status);
        Assert.DoesNotContain("<script>alert(1)</script>", guide.Html, StringComparison.Ordinal);
        Assert.Equal(clientId, guide.Text("guide-client-id"));
        Assert.EndsWith("/.well-known/openid-configuration", guide.Text("guide-discovery"), StringComparison.Ordinal);
        Assert.Contains("Oauth2-Token", guide.Html, StringComparison.Ordinal);
        Assert.Contains($"clientId: &quot;{clientId}&quot;", guide.Html, StringComparison.Ordinal);
        Assert.Contains("redirect_uri: &#x27;https://app.example.com/callback&#x27;", guide.Html, StringComparison.Ordinal);
    }
}

public sealed class SqliteDeveloperPortalTests(SqliteDeveloperServerFixture server) : DeveloperPortalTests<SqliteDeveloperServerFixture>(server);

public sealed class PostgresDeveloperPortalTests(PostgresDeveloperServerFixture server) : DeveloperPortalTests<PostgresDeveloperServerFixture>(server);
