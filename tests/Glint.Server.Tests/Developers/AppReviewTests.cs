using System.Net;
using Glint.Server.Tests.Cli;
using Glint.Server.Tests.Flows;

namespace Glint.Server.Tests.Developers;

/// <summary>The operator's review: <c>/admin/apps</c> and <c>glint apps</c>, decisions, suspension, and bad input.</summary>
public abstract class AppReviewTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : DeveloperServerFixture
{
    [Fact]
    public async Task Bad_input_gets_the_admin_apis_error_naming_the_problem()
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync()).ToString("D");

        var (unknown, body) = await server.DecideAsync(Guid.NewGuid().ToString("D"), "approve");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("Unable to locate the resource", body!["error"]!.GetValue<string>());
        var (notUuid, notUuidBody) = await server.GetJsonAsync("/admin/apps/not-an-id");
        Assert.Equal(HttpStatusCode.NotFound, notUuid);
        Assert.Contains("app ids are UUIDs", notUuidBody!["error_description"]!.GetValue<string>(), StringComparison.Ordinal);

        var (badScope, scopeBody) = await server.DecideAsync(id, "approve", new { scope = "read admin" });
        Assert.Equal(HttpStatusCode.BadRequest, badScope);
        Assert.Equal("invalid_request", scopeBody!["error"]!.GetValue<string>());
        Assert.StartsWith("Field scope: 'admin' is not a published scope", scopeBody["error_description"]!.GetValue<string>(), StringComparison.Ordinal);

        var (noReason, reasonBody) = await server.DecideAsync(id, "reject", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.StartsWith("Field reason:", reasonBody!["error_description"]!.GetValue<string>(), StringComparison.Ordinal);

        var (badStatus, _) = await server.GetJsonAsync("/admin/apps?status=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);

        using var notJson = new StringContent("{", System.Text.Encoding.UTF8, "application/json");
        using var malformed = await server.Admin.PostAsync($"/admin/apps/{id}/approve", notJson);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var (approved, _) = await server.DecideAsync(id, "approve", new { scope = "read" });
        Assert.Equal(HttpStatusCode.OK, approved);
        var (again, againBody) = await server.DecideAsync(id, "reject", new { reason = "too late" });
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("only a pending app can be rejected", againBody!["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        var (resume, resumeBody) = await server.DecideAsync(id, "resume");
        Assert.Equal(HttpStatusCode.Conflict, resume);
        Assert.Contains("only an suspended app can be resumed", resumeBody!["error_description"]!.GetValue<string>(), StringComparison.Ordinal);

        var (_, shown) = await server.GetJsonAsync($"/admin/apps/{id}");
        Assert.Equal("read", shown!["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_message_to_the_developer_with_a_NUL_is_refused_alike_on_both_databases_and_decides_nothing()
    {
        using var developer = await Developer.SignInAsync(server);
        var pending = Developer.AppId(await developer.RegisterAsync()).ToString("D");
        var approved = Developer.AppId(await developer.RegisterAsync()).ToString("D");
        Assert.Equal(HttpStatusCode.OK, (await server.DecideAsync(approved, "approve")).Status);

        foreach (var (id, decision, body, field) in new (string, string, object, string)[]
        {
            (pending, "request-changes", new { message = "Fix\0 the logo" }, "message"),
            (pending, "reject", new { reason = "\0" }, "reason"),
            (approved, "suspend", new { reason = "Abuse\0" }, "reason"),
        })
        {
            var (status, refusal) = await server.DecideAsync(id, decision, body);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request", refusal!["error"]!.GetValue<string>());
            Assert.Equal($"Field {field}: the message must not contain the NUL character.", refusal["error_description"]!.GetValue<string>());
        }

        Assert.Equal("pending", (await server.GetJsonAsync($"/admin/apps/{pending}")).Body!["status"]!.GetValue<string>());
        Assert.Equal("approved", (await server.GetJsonAsync($"/admin/apps/{approved}")).Body!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await server.DecideAsync(pending, "reject", new { reason = "Not a wallet app" })).Status);
    }

    [Fact]
    public async Task Requested_changes_reach_the_developer_who_resubmits_and_a_rejection_is_final()
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync());

        var (sent, _) = await server.DecideAsync(id.ToString("D"), "request-changes", new { message = "Say why you need receive." });
        Assert.Equal(HttpStatusCode.OK, sent);
        Assert.Equal("Your app Tip jar: changes requested", await server.LastMailSubjectAsync(developer.Email));
        var page = await developer.AppPageAsync(id);
        Assert.Equal("Changes requested", page.Text("app-status"));
        Assert.Equal("Operator: Say why you need receive.", page.Text("app-message"));
        var (early, _) = await server.DecideAsync(id.ToString("D"), "approve");
        Assert.Equal(HttpStatusCode.Conflict, early);

        var (edit, _) = await developer.Pages.GoAsync($"/developers/apps/{id:D}/edit");
        var resubmitted = await developer.PostAsync(edit!, $"/developers/apps/{id:D}/edit",
        [
            new("Name", "Tip jar"), new("Description", "Receive creates the tip invoices."), new("ContactEmail", developer.Email),
            new("AuthMethod", "client_secret_post"), new("RedirectUris", "https://app.example.com/callback"), new("Scopes", "receive"),
        ]);
        Assert.Equal("Pending review", resubmitted.Text("app-status"));

        var (rejected, body) = await server.DecideAsync(id.ToString("D"), "reject", new { reason = "Tips are not allowed here." });
        Assert.Equal(HttpStatusCode.OK, rejected);
        Assert.Equal("rejected", body!["status"]!.GetValue<string>());
        Assert.Equal("Your app Tip jar: rejected", await server.LastMailSubjectAsync(developer.Email));
        var (list, _) = await developer.Pages.GoAsync("/developers");
        Assert.Equal("Rejected", list!.Text("app-status"));
        Assert.Equal("Operator: Tips are not allowed here.", list.Text("app-message"));
    }

    [Fact]
    public async Task Suspending_revokes_and_refuses_tokens_and_resuming_allows_them_again()
    {
        using var developer = await Developer.SignInAsync(server);
        var id = Developer.AppId(await developer.RegisterAsync()).ToString("D");
        var (_, app) = await server.DecideAsync(id, "approve");
        var clientId = app!["client_id"]!.GetValue<string>();
        var secret = (await developer.AppPageAsync(Guid.Parse(id))).Text("client-secret")!;
        var token = await server.IssueAccessTokenAsync(clientId, secret, developer.Subject);
        Assert.True(await server.IsActiveAsync(token));
        var usage = await developer.AppPageAsync(Guid.Parse(id));
        Assert.Equal("1", usage.Text("usage-users"));
        Assert.Equal("1", usage.Text("usage-day"));
        Assert.Equal("1", usage.Text("usage-month"));
        Assert.NotEqual("never", usage.Text("usage-last"));

        var (suspended, body) = await server.DecideAsync(id, "suspend", new { reason = "Abuse report" });

        Assert.Equal(HttpStatusCode.OK, suspended);
        Assert.Equal("suspended", body!["status"]!.GetValue<string>());
        Assert.False(await server.IsActiveAsync(token));
        Assert.Equal("invalid_client", await Developer.TokenErrorAsync(server, clientId, secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await Developer.RevokeWithAsync(server, clientId, secret));
        Assert.Equal("Your app Tip jar: suspended", await server.LastMailSubjectAsync(developer.Email));

        var (resumed, _) = await server.DecideAsync(id, "resume");
        Assert.Equal(HttpStatusCode.OK, resumed);
        Assert.Equal("invalid_grant", await Developer.TokenErrorAsync(server, clientId, secret));

        var (_, history) = await server.GetJsonAsync($"/admin/apps/{id}/history");
        Assert.Equal(["registered", "approved", "suspended", "resumed"], history!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Equal("operator", history[2]!["actor"]!.GetValue<string>());
        Assert.Equal("Abuse report", history[2]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_glint_apps_command_works_and_explains_bad_input()
    {
        using var developer = await Developer.SignInAsync(server);
        var first = Developer.AppId(await developer.RegisterAsync(name: "Cli one")).ToString("D");
        var second = Developer.AppId(await developer.RegisterAsync(name: "Cli two")).ToString("D");
        var third = Developer.AppId(await developer.RegisterAsync(name: "Cli three")).ToString("D");

        var list = await GlintCli.RunAsync(["apps", "list", "--status", "pending", .. server.AdminEndpoint()]);
        Assert.True(list.Exit == 0, list.ToString());
        Assert.Contains("Cli one", list.Output, StringComparison.Ordinal);
        Assert.StartsWith("ID", list.Output, StringComparison.Ordinal);

        var show = await GlintCli.RunAsync(["apps", "show", first, .. server.AdminEndpoint()]);
        Assert.True(show.Exit == 0, show.ToString());
        Assert.Contains("STATUS", show.Output, StringComparison.Ordinal);
        Assert.Contains("pending", show.Output, StringComparison.Ordinal);

        var approve = await GlintCli.RunAsync(["apps", "approve", first, "--scope", "read", "--skip-consent", "--format", "json", .. server.AdminEndpoint()]);
        Assert.True(approve.Exit == 0, approve.ToString());
        Assert.Equal("approved", approve.Json["status"]!.GetValue<string>());
        Assert.Equal("read", approve.Json["scope"]!.GetValue<string>());
        var (_, client) = await server.GetJsonAsync($"/admin/clients/{approve.Json["client_id"]!.GetValue<string>()}");
        Assert.True(client!["skip_consent"]!.GetValue<bool>());

        var changes = await GlintCli.RunAsync(["apps", "request-changes", second, "--message", "Use a logo of your own", .. server.AdminEndpoint()]);
        Assert.True(changes.Exit == 0, changes.ToString());
        var reject = await GlintCli.RunAsync(["apps", "reject", third, "--reason", "Duplicate", "--format", "json", .. server.AdminEndpoint()]);
        Assert.Equal("rejected", reject.Json["status"]!.GetValue<string>());
        var suspend = await GlintCli.RunAsync(["apps", "suspend", first, "--reason", "Checking", "--format", "json", .. server.AdminEndpoint()]);
        Assert.Equal("suspended", suspend.Json["status"]!.GetValue<string>());
        var resume = await GlintCli.RunAsync(["apps", "resume", first, "--format", "json", .. server.AdminEndpoint()]);
        Assert.Equal("approved", resume.Json["status"]!.GetValue<string>());
        var history = await GlintCli.RunAsync(["apps", "history", first, .. server.AdminEndpoint()]);
        Assert.True(history.Exit == 0, history.ToString());
        Assert.Contains("resumed", history.Output, StringComparison.Ordinal);
        var approved = await GlintCli.RunAsync(["apps", "list", "--status", "approved", "--format", "json", .. server.AdminEndpoint()]);
        Assert.Contains(approved.Json.AsArray(), app => app!["id"]!.GetValue<string>() == first);

        var unknown = await GlintCli.RunAsync(["apps", "approve", Guid.NewGuid().ToString("D"), .. server.AdminEndpoint()]);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("answered 404", unknown.Error, StringComparison.Ordinal);
        var notPending = await GlintCli.RunAsync(["apps", "reject", first, "--reason", "x", .. server.AdminEndpoint()]);
        Assert.Equal(1, notPending.Exit);
        Assert.Contains("only a pending app can be rejected", notPending.Error, StringComparison.Ordinal);
        var badScope = await GlintCli.RunAsync(["apps", "approve", second, "--scope", "everything", .. server.AdminEndpoint()]);
        Assert.Equal(1, badScope.Exit);
        Assert.Contains("'everything' is not a published scope", badScope.Error, StringComparison.Ordinal);
        var noMessage = await GlintCli.RunAsync(["apps", "request-changes", second, .. server.AdminEndpoint()]);
        Assert.NotEqual(0, noMessage.Exit);
        var badStatus = await GlintCli.RunAsync(["apps", "list", "--status", "maybe", .. server.AdminEndpoint()]);
        Assert.NotEqual(0, badStatus.Exit);
    }
}

public sealed class SqliteAppReviewTests(SqliteDeveloperServerFixture server) : AppReviewTests<SqliteDeveloperServerFixture>(server);

public sealed class PostgresAppReviewTests(PostgresDeveloperServerFixture server) : AppReviewTests<PostgresDeveloperServerFixture>(server);
