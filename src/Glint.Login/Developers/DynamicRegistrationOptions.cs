namespace Glint.Login.Developers;

/// <summary>
/// Dynamic client registration (RFC 7591, RFC 7592), off unless the operator turns it on. Hydra's keys:
/// <c>oidc.dynamic_client_registration.enabled</c> and <c>.default_scope</c>; Glint's own, next to them:
/// <c>.auto_approve</c> and <c>.registrations_per_ip</c>.
/// </summary>
public sealed class DynamicRegistrationOptions
{
    public bool Enabled { get; init; }

    /// <summary>
    /// Clients registered this way are approved at once. Off (the default), each is a pending app in the operator's
    /// review queue and gets no tokens until approved.
    /// </summary>
    public bool AutoApprove { get; init; }

    /// <summary>The scope a registration without one gets (Hydra's default); these scopes may also be asked for.</summary>
    public IReadOnlyList<string> DefaultScope { get; init; } = ["offline_access", "offline", "openid"];

    /// <summary>Registrations one client address may make in an hour, counted by each node.</summary>
    public int RegistrationsPerIp { get; init; } = 10;

    public static TimeSpan RegistrationsWindow { get; } = TimeSpan.FromHours(1);
}
