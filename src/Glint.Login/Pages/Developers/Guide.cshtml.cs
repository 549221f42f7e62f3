using Glint.Auth;
using Glint.Data.Developers;
using Glint.Login.Developers;
using Microsoft.AspNetCore.Mvc;

namespace Glint.Login.Pages.Developers;

/// <summary>The integration guide, written for this deployment and this app: endpoints, scopes and ready-to-paste code.</summary>
public sealed class GuideModel(DeveloperApps apps, AuthSettings settings) : DeveloperPage(apps)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public DeveloperApp? App { get; private set; }

    public string Issuer => settings.IssuerIdentifier;

    public string Endpoint(string path) => new Uri(settings.PublicBase, path.TrimStart('/')).AbsoluteUri;

    public string ClientId => App?.ClientId ?? "YOUR_CLIENT_ID";

    public string Callback => AppLines.Split(App?.RedirectUris) is [var first, ..] ? first : "https://app.example.com/callback";

    public string ScopeList => App?.Scopes ?? "";

    public bool IsPublic => App?.AuthMethod == "none";

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        App = await Apps.FindAsync(Subject!, Id, HttpContext.RequestAborted);
        return App is null ? NotFound() : Page();
    }
}
