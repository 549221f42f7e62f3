using Glint.Data;
using Glint.Data.Developers;
using Glint.Login.Developers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Glint.Login.Pages.Developers;

/// <summary>
/// One app: its status, the client ID, the secret once after approval, rotation with an overlap, usage and deletion.
/// A secret is shown only in the answer that issued or first revealed it.
/// </summary>
public sealed class AppModel(DeveloperApps apps, GlintDbContext db, TimeProvider time) : DeveloperPage(apps)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    /// <summary>Hours the old secret keeps working after a rotation.</summary>
    [BindProperty]
    public int? OverlapHours { get; set; }

    public DeveloperApp? App { get; private set; }

    public string? Secret { get; private set; }

    public DateTimeOffset? OverlapEnds { get; private set; }

    public AppUsage? Usage { get; private set; }

    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        // The secret is shown once: a HEAD (answered by OnGet) must not spend it on a response without a body.
        Secret = HttpMethods.IsHead(Request.Method) ? null : await Apps.TakeSecretAsync(Subject!, Id, HttpContext.RequestAborted);
        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostRotateAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        // A number that did not bind (not a number, or beyond an int) is as out of range as one that is too large:
        // rotating with the default instead would keep a secret working longer or shorter than the developer asked.
        if (ModelState.GetFieldValidationState(nameof(OverlapHours)) == ModelValidationState.Invalid ||
            OverlapHours is < 0 || OverlapHours > DeveloperPortalOptions.MaxOverlap.TotalHours)
        {
            Error = DeveloperApps.OverlapRule;
            return await ShowAsync();
        }

        var overlap = TimeSpan.FromHours(OverlapHours ?? (int)DeveloperPortalOptions.DefaultOverlap.TotalHours);
        var (secret, until, failure) = await Apps.RotateAsync(Subject!, Id, overlap, RemoteAddress, HttpContext.RequestAborted);
        if (failure is not null)
        {
            Error = failure.Message;
        }
        else
        {
            Secret = secret;
            Notice = $"The previous secret keeps working until {until:d MMM yyyy, HH:mm} UTC.";
        }

        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostEndOverlapAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        if (await Apps.EndOverlapAsync(Subject!, Id, RemoteAddress, HttpContext.RequestAborted) is { } failure)
        {
            Error = failure.Message;
            return await ShowAsync();
        }

        return LocalRedirect($"/developers/apps/{Id:D}");
    }

    public async Task<IActionResult> OnPostDeleteAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        if (await Apps.DeleteAsync(Subject!, Id, RemoteAddress, HttpContext.RequestAborted) is { } failure)
        {
            Error = failure.Message;
            return await ShowAsync();
        }

        return LocalRedirect("/developers");
    }

    private async Task<IActionResult> ShowAsync()
    {
        App = await Apps.FindAsync(Subject!, Id, HttpContext.RequestAborted);
        if (App is null)
        {
            return NotFound();
        }

        OverlapEnds = await Apps.OverlapEndsAsync(App, HttpContext.RequestAborted);
        Usage = await AppUsage.ReadAsync(db, App.ClientId, time, HttpContext.RequestAborted);
        return Page();
    }
}
