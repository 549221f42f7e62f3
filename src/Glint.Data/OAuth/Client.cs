using OpenIddict.EntityFrameworkCore.Models;

namespace Glint.Data.OAuth;

/// <summary>
/// An OAuth2 client. OpenIddict's columns hold what the protocol engine needs (id, hashed secret, client type,
/// redirect URIs); <see cref="Document"/> holds the rest of the client exactly as the admin API received it,
/// so that fields round-trip without a schema change for every field Hydra's client model grows.
/// </summary>
public sealed class Client : OpenIddictEntityFrameworkCoreApplication<string, OAuthAuthorization, OAuthToken>
{
    /// <summary>The client's admin-API fields as JSON (everything except id, secret and timestamps).</summary>
    public string Document { get; set; } = "{}";

    /// <summary>Copied out of <see cref="Document"/> so that the admin list can filter on it with an index.</summary>
    public string Owner { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The hash of the secret replaced by a rotation, which still authenticates until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecret { get; set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>Set while the operator has suspended the client's app: it gets no tokens.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }
}

public sealed class OAuthAuthorization : OpenIddictEntityFrameworkCoreAuthorization<string, Client, OAuthToken>;

public sealed class OAuthToken : OpenIddictEntityFrameworkCoreToken<string, Client, OAuthAuthorization>;

public sealed class OAuthScope : OpenIddictEntityFrameworkCoreScope<string>;
