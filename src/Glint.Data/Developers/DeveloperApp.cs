namespace Glint.Data.Developers;

/// <summary>
/// An app a developer registered through the portal (or the operator through the admin API), awaiting review or
/// decided. Once approved it has an OAuth client; the registration keeps what the developer asked for, the client
/// what the operator approved, and <see cref="PendingRedirectUris"/> / <see cref="PendingScopes"/> what awaits review.
/// </summary>
public sealed class DeveloperApp
{
    public Guid Id { get; set; }

    /// <summary>The developer's user id (their <c>sub</c>), which becomes the client's <c>owner</c>.</summary>
    public required string Subject { get; set; }

    public required string Name { get; set; }

    /// <summary>What the app does and why it needs each scope, in the developer's words.</summary>
    public required string Description { get; set; }

    public string? HomepageUrl { get; set; }

    public string? LogoUrl { get; set; }

    public string? PrivacyUrl { get; set; }

    public string? TermsUrl { get; set; }

    public required string ContactEmail { get; set; }

    /// <summary>The callback URLs, one per line, as the developer registered them (approved ones once approved).</summary>
    public required string RedirectUris { get; set; }

    /// <summary>Space-separated scopes: requested before approval, approved after.</summary>
    public required string Scopes { get; set; }

    /// <summary><c>client_secret_basic</c>, <c>client_secret_post</c> or <c>none</c> (public, with PKCE).</summary>
    public required string AuthMethod { get; set; }

    public string Status { get; set; } = DeveloperAppStatus.Pending;

    /// <summary>The operator's message (changes requested) or reason (rejected, suspended), for the developer.</summary>
    public string? StatusMessage { get; set; }

    /// <summary>Set once approved.</summary>
    public string? ClientId { get; set; }

    /// <summary>Callback URLs asked for in an edit of an approved app, awaiting review (one per line); null when none.</summary>
    public string? PendingRedirectUris { get; set; }

    /// <summary>Scopes asked for in an edit of an approved app, awaiting review; null when none.</summary>
    public string? PendingScopes { get; set; }

    /// <summary>
    /// A secret issued at approval that the developer has not seen yet, sealed with the system secret's key and bound to
    /// the app's id. Cleared by the visit that shows it, so it is shown once and then exists only as the client's hash.
    /// </summary>
    public byte[]? SealedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class DeveloperAppStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string ChangesRequested = "changes_requested";
    public const string Rejected = "rejected";
    public const string Suspended = "suspended";

    public static readonly IReadOnlyList<string> All = [Pending, Approved, ChangesRequested, Rejected, Suspended];
}

/// <summary>One line of an app's append-only history: a registration, an edit, a decision or a secret rotation.</summary>
public sealed class DeveloperAppEvent
{
    /// <summary>Increasing with insertion.</summary>
    public long Id { get; set; }

    /// <summary>The app; kept after the app is deleted, so its history stays listable.</summary>
    public Guid AppId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The developer's subject, or <c>operator</c>.</summary>
    public required string Actor { get; set; }

    /// <summary><c>registered</c>, <c>approved</c>, <c>secret_rotated</c>, …</summary>
    public required string Action { get; set; }

    public string? Message { get; set; }
}
