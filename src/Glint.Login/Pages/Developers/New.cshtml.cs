using Glint.Login.Developers;
using Microsoft.AspNetCore.Mvc;

namespace Glint.Login.Pages.Developers;

/// <summary>Registers an app for review.</summary>
public sealed class NewModel(DeveloperApps apps) : DeveloperPage(apps)
{
    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        var result = await Apps.RegisterAsync(Subject!, Form, HttpContext.RequestAborted);
        if (result.App is { } app)
        {
            return LocalRedirect($"/developers/apps/{app.Id:D}");
        }

        Error = result.Failure!.Message;
        return Page();
    }
}
