using Glint.Auth;
using Glint.Auth.OAuth2;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Glint.Login.Pages;

/// <summary>
/// The device grant's verification URI (RFC 8628 §3.3): the user types the code the device shows; it goes to the
/// verification endpoint, which runs the usual login and consent and comes back here with the outcome. The code is
/// only prefilled from <c>verification_uri_complete</c>, never submitted without the user (RFC 8628 §5.4).
/// </summary>
public sealed class DeviceModel(AuthSettings settings) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user_code")]
    public string? UserCode { get; set; }

    [BindProperty(SupportsGet = true, Name = "outcome")]
    public string? Outcome { get; set; }

    public string? Message { get; private set; }

    public void OnGet()
    {
        Message = Outcome switch
        {
            "invalid_user_code" => "That code is not valid or has expired. Check the code on your device and try again.",
            "too_many_attempts" => "Too many wrong codes were entered. Please wait a few minutes and try again.",
            _ => null,
        };
    }

    public IActionResult OnPost()
    {
        if (GlintServerHandlers.DeviceCodes.Normalise(UserCode) is not { } code)
        {
            Outcome = null;
            Message = $"A code has {GlintServerHandlers.DeviceCodes.UserCodeLength} letters; dashes and spaces do not matter.";
            return Page();
        }

        var verify = new Uri(settings.PublicBase, GlintServerHandlers.DeviceCodes.VerificationPath.TrimStart('/')).AbsoluteUri;
        return Redirect(QueryHelpers.AddQueryString(verify, "user_code", code));
    }
}
