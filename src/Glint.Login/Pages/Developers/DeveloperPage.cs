using Glint.Login.Developers;
using Glint.Login.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Glint.Login.Pages.Developers;

/// <summary>What the portal's pages share: the signed-in developer (any Glint user) and the registration form's fields.</summary>
public abstract class DeveloperPage(DeveloperApps apps) : PageModel
{
    protected DeveloperApps Apps { get; } = apps;

    /// <summary>The developer's subject (their user id), or null when nobody is signed in.</summary>
    protected string? Subject { get; private set; }

    /// <summary>Where the developer's request came from, for the audit events of their app's client.</summary>
    protected string? RemoteAddress => HttpContext.Connection.RemoteIpAddress?.ToString();

    public IReadOnlyList<string> PublishedScopes => Apps.PublishedScopes;

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? HomepageUrl { get; set; }
    [BindProperty] public string? LogoUrl { get; set; }
    [BindProperty] public string? PrivacyUrl { get; set; }
    [BindProperty] public string? TermsUrl { get; set; }
    [BindProperty] public string? ContactEmail { get; set; }
    [BindProperty] public string? RedirectUris { get; set; }
    [BindProperty] public List<string> Scopes { get; set; } = [];
    [BindProperty] public string? AuthMethod { get; set; }

    public string? Error { get; protected set; }

    protected AppForm Form => new(Name, Description, HomepageUrl, LogoUrl, PrivacyUrl, TermsUrl, ContactEmail, RedirectUris?.Replace("\r", "", StringComparison.Ordinal), Scopes, AuthMethod);

    /// <summary>Reads the account cookie; false means the caller must send the visitor to sign in.</summary>
    protected async Task<bool> SignedInAsync()
    {
        if (await AccountCookie.ReadAsync(HttpContext) is not var (userId, email))
        {
            return false;
        }

        Subject = userId.ToString("D");
        ContactEmail ??= email;
        return true;
    }

    protected IActionResult SignIn() => LocalRedirect("/login");

    protected void Fill(Data.Developers.DeveloperApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        Name = app.Name;
        Description = app.Description;
        HomepageUrl = app.HomepageUrl;
        LogoUrl = app.LogoUrl;
        PrivacyUrl = app.PrivacyUrl;
        TermsUrl = app.TermsUrl;
        ContactEmail = app.ContactEmail;
        RedirectUris = app.PendingRedirectUris ?? app.RedirectUris;
        Scopes = [.. (app.PendingScopes ?? app.Scopes).Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        AuthMethod = app.AuthMethod;
    }
}
