namespace Glint.Auth.OAuth2;

/// <summary>
/// A token entry as it is issued, complete: what OpenIddict's token store keeps for every token (its row in
/// <c>oauth2_tokens</c>), written once by <see cref="TokenWriter"/>. Issued entries are never redeemed or carry
/// properties yet, so those columns start empty.
/// </summary>
public sealed class TokenEntry
{
    public required string Id { get; init; }

    public string? ApplicationId { get; init; }

    public string? AuthorizationId { get; init; }

    /// <summary>OpenIddict's optimistic concurrency token, checked when the entry is later redeemed or revoked.</summary>
    public string ConcurrencyToken { get; } = TokenEntryIds.NewConcurrencyToken();

    /// <summary>UTC, as OpenIddict stores it.</summary>
    public DateTime? CreationDate { get; init; }

    /// <summary>UTC, as OpenIddict stores it.</summary>
    public DateTime? ExpirationDate { get; init; }

    /// <summary>The token itself, for reference tokens (whose value handed out is only <see cref="ReferenceId"/>'s preimage).</summary>
    public string? Payload { get; set; }

    /// <summary>The SHA-256 of the reference handed out, as OpenIddict's token manager stores and looks it up.</summary>
    public string? ReferenceId { get; set; }

    public required string Status { get; init; }

    public string? Subject { get; init; }

    public required string Type { get; init; }
}
