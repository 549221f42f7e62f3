namespace Glint.Login.Developers;

/// <summary>What developers may ask for in the portal, and how much.</summary>
public sealed class DeveloperPortalOptions
{
    /// <summary>The scopes the operator publishes to developers, each shown in the consent page's words.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "offline", "read", "receive", "write"];

    /// <summary>Apps one developer may have at once.</summary>
    public int MaxAppsPerDeveloper { get; init; } = 10;

    /// <summary>Registrations one developer may submit in 24 hours, deleted apps included.</summary>
    public int MaxRegistrationsPerDay { get; init; } = 20;

    /// <summary>RFC 7591 registrations at <c>/oauth2/register</c>, which join the same review queue.</summary>
    public DynamicRegistrationOptions DynamicRegistration { get; init; } = new();

    /// <summary>The longest overlap a secret rotation may keep the old secret working for.</summary>
    public static TimeSpan MaxOverlap { get; } = TimeSpan.FromDays(7);

    public static TimeSpan DefaultOverlap { get; } = TimeSpan.FromHours(24);
}
