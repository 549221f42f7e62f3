using Glint.Data.Developers;

namespace Glint.Login.Developers;

/// <summary>An app's status in the portal's words.</summary>
public static class AppStatusText
{
    public static string Of(DeveloperApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var status = app.Status switch
        {
            DeveloperAppStatus.Pending => "Pending review",
            DeveloperAppStatus.Approved => "Approved",
            DeveloperAppStatus.ChangesRequested => "Changes requested",
            DeveloperAppStatus.Rejected => "Rejected",
            DeveloperAppStatus.Suspended => "Suspended",
            _ => app.Status,
        };
        return app.PendingRedirectUris is not null || app.PendingScopes is not null ? status + ", changes pending review" : status;
    }
}
