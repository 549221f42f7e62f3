using Glint.Login.Developers;
using Microsoft.AspNetCore.Mvc;

namespace Glint.Login.Pages.Developers;

/// <summary>Edits an app: see <see cref="DeveloperApps.EditAsync"/> for what applies at once and what goes back to review.</summary>
public sealed class EditModel(DeveloperApps apps) : DeveloperPage(apps)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public bool Approved { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        if (await Apps.FindAsync(Subject!, Id, HttpContext.RequestAborted) is not { } app)
        {
            return NotFound();
        }

        Fill(app);
        Approved = app.ClientId is not null;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        var result = await Apps.EditAsync(Subject!, Id, Form, RemoteAddress, HttpContext.RequestAborted);
        if (result.App is { } app)
        {
            return LocalRedirect($"/developers/apps/{app.Id:D}");
        }

        if (result.Failure!.Kind == AppFailureKind.NotFound)
        {
            return NotFound();
        }

        Error = result.Failure.Message;
        return Page();
    }
}
