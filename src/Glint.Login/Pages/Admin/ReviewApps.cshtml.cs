using Glint.Data.Developers;
using Glint.Login.Developers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Glint.Login.Pages.Admin;

/// <summary>
/// The operator's review page on the admin port (under <c>/admin</c>, which the public port never serves): the apps
/// awaiting review, each with approve and reject. It makes the same decisions as <c>/admin/apps</c>.
/// </summary>
public sealed class ReviewAppsModel(AppReview review) : PageModel
{
    [BindProperty]
    public Guid AppId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public IReadOnlyList<DeveloperApp> Pending { get; private set; } = [];

    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await ShowAsync();

    public async Task<IActionResult> OnPostApproveAsync()
    {
        var result = await review.ApproveAsync(AppId, null, skipConsent: false, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
        Report(result, "approved");
        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostRejectAsync()
    {
        var result = await review.RejectAsync(AppId, Reason, HttpContext.RequestAborted);
        Report(result, "rejected");
        return await ShowAsync();
    }

    private void Report(AppResult result, string decision)
    {
        if (result.App is { } app)
        {
            Notice = $"{app.Name} was {decision}.";
        }
        else
        {
            Error = result.Failure!.Message;
        }
    }

    private async Task<IActionResult> ShowAsync()
    {
        Pending = await review.ListAsync(DeveloperAppStatus.Pending, 200, HttpContext.RequestAborted);
        return Page();
    }
}
