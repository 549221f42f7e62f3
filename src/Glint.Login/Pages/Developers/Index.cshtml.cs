using Glint.Data.Developers;
using Glint.Login.Developers;
using Microsoft.AspNetCore.Mvc;

namespace Glint.Login.Pages.Developers;

/// <summary>The developer's apps, each with its status and the operator's message.</summary>
public sealed class IndexModel(DeveloperApps apps) : DeveloperPage(apps)
{
    public IReadOnlyList<DeveloperApp> MyApps { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return SignIn();
        }

        MyApps = await Apps.ListAsync(Subject!, HttpContext.RequestAborted);
        return Page();
    }
}
