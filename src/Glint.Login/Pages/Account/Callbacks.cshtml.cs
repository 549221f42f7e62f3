using Glint.Callbacks.Endpoints;
using Glint.Data.Callbacks;
using Glint.Login.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Glint.Login.Pages.Account;

/// <summary>
/// The callback portal (<c>callbackPortalUrl</c>): the account's endpoints, each signing secret revealed on request
/// and rotated, and the recent deliveries with their status, attempts and next retry, any of which can be sent again.
/// </summary>
public sealed class CallbacksModel(CallbackEndpointStore endpoints, TimeProvider time) : PageModel
{
    /// <summary>How many recent deliveries the page lists.</summary>
    public const int RecentCount = 50;

    [BindProperty]
    public Guid? EndpointId { get; set; }

    [BindProperty]
    public long? DeliveryId { get; set; }

    [BindProperty]
    public string? EndpointUrl { get; set; }

    public string? Error { get; private set; }

    public string? Notice { get; private set; }

    /// <summary>The endpoint whose secret is shown, and the secret.</summary>
    public (Guid EndpointId, string Secret)? Revealed { get; private set; }

    public IReadOnlyList<CallbackEndpoint> Endpoints { get; private set; } = [];

    public IReadOnlyList<DeliveryView> Deliveries { get; private set; } = [];

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<IActionResult> OnGetAsync() => await ShowAsync();

    public async Task<IActionResult> OnPostAddAsync() => await ActAsync(async account =>
    {
        var (_, problem) = await endpoints.AddAsync(account, EndpointUrl ?? "", HttpContext.RequestAborted);
        if (problem is null)
        {
            Notice = "The endpoint was added.";
            EndpointUrl = null;
        }

        Error = problem;
    });

    public async Task<IActionResult> OnPostRevealAsync() => await ActAsync(async account =>
    {
        if (EndpointId is { } id && await endpoints.RevealSecretAsync(account, id, HttpContext.RequestAborted) is { } secret)
        {
            Revealed = (id, secret);
        }
    });

    public async Task<IActionResult> OnPostRotateAsync() => await ActAsync(async account =>
    {
        if (EndpointId is { } id && await endpoints.RotateSecretAsync(account, id, HttpContext.RequestAborted))
        {
            Notice = "The signing secret was replaced: deliveries from now on are signed with the new one.";
            Revealed = (id, (await endpoints.RevealSecretAsync(account, id, HttpContext.RequestAborted))!);
        }
    });

    public async Task<IActionResult> OnPostDeleteAsync() => await ActAsync(async account =>
    {
        if (EndpointId is { } id && await endpoints.DeleteAsync(account, id, HttpContext.RequestAborted))
        {
            Notice = "The endpoint was deleted.";
        }
    });

    public async Task<IActionResult> OnPostResendAsync() => await ActAsync(async account =>
    {
        if (DeliveryId is { } id && await endpoints.ResendAsync(account, id, HttpContext.RequestAborted))
        {
            Notice = "The delivery will be sent again in a moment.";
        }
    });

    private async Task<IActionResult> ActAsync(Func<Guid, Task> action)
    {
        if (await AccountAsync() is not { } account)
        {
            return LocalRedirect("/login");
        }

        await action(account);
        return await ShowAsync();
    }

    private async Task<IActionResult> ShowAsync()
    {
        if (await AccountAsync() is not { } account)
        {
            return LocalRedirect("/login");
        }

        Endpoints = await endpoints.ListAsync(account, HttpContext.RequestAborted);
        Deliveries = await endpoints.RecentDeliveriesAsync(account, RecentCount, HttpContext.RequestAborted);
        return Page();
    }

    private async Task<Guid?> AccountAsync() =>
        await AccountCookie.ReadAsync(HttpContext) is var (userId, _) ? await endpoints.AccountOfUserAsync(userId, HttpContext.RequestAborted) : null;
}
