using Glint.Auth.ApiKeys;
using Glint.Data.ApiKeys;
using Glint.Login.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Glint.Login.Pages.Account;

/// <summary>The signed-in user's API keys: create one (its secret is shown once, on the page that created it), list, revoke.</summary>
public sealed class ApiKeysModel(ApiKeyStore keys, TimeProvider time) : PageModel
{
    private static readonly string[] KnownScopes = ["read", "receive", "write"];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public List<string> Scopes { get; set; } = [];

    [BindProperty]
    public int? ExpireInDays { get; set; }

    [BindProperty]
    public Guid? KeyId { get; set; }

    public string? NewSecret { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<IActionResult> OnGetAsync() => await ShowAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (await AccountCookie.ReadAsync(HttpContext) is not var (userId, _))
        {
            return LocalRedirect("/login");
        }

        var name = Name?.Trim() ?? "";
        var scopes = KnownScopes.Where(Scopes.Contains).ToList();
        if (name.Length is 0 or > ApiKeyStore.MaxNameLength || name.Any(char.IsControl))
        {
            Error = $"Give the key a name of 1 to {ApiKeyStore.MaxNameLength} characters, without control characters.";
        }
        else if (scopes.Count == 0)
        {
            Error = "At least one scope is required.";
        }
        else if (ExpireInDays is not (null or 30 or 90 or 365) || ModelState.GetFieldValidationState(nameof(ExpireInDays)) == ModelValidationState.Invalid)
        {
            Error = "Choose when the key expires.";
        }
        else
        {
            (_, NewSecret) = await keys.CreateAsync(userId, name, scopes, ExpireInDays, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
            Name = null;
        }

        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostRevokeAsync()
    {
        if (await AccountCookie.ReadAsync(HttpContext) is not var (userId, _))
        {
            return LocalRedirect("/login");
        }

        if (KeyId is { } id)
        {
            await keys.RevokeAsync(userId, id, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
        }

        return RedirectToPage();
    }

    private async Task<IActionResult> ShowAsync()
    {
        if (await AccountCookie.ReadAsync(HttpContext) is not var (userId, _))
        {
            return LocalRedirect("/login");
        }

        Keys = await keys.ListAsync(userId, HttpContext.RequestAborted);
        return Page();
    }
}
