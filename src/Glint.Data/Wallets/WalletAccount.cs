namespace Glint.Data.Wallets;

/// <summary>A user's account: its wallets, username and preferences (Blink's <c>ConsumerAccount</c>).</summary>
public sealed class WalletAccount
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary>As the user chose it; <see cref="UsernameKey"/> is its lower-cased form that uniqueness is enforced on.</summary>
    public string? Username { get; set; }

    public string? UsernameKey { get; set; }

    public Guid DefaultWalletId { get; set; }

    public string DisplayCurrency { get; set; } = "USD";

    public int Level { get; set; } = 1;

    public string Status { get; set; } = AccountStatus.Active;

    /// <summary>Blink's <c>notificationSettings.push.enabled</c>, stored inverted so that a new account starts with it on.</summary>
    public bool PushNotificationsDisabled { get; set; }

    /// <summary>The notification categories turned off for push, space-separated, in the order they were turned off.</summary>
    public string DisabledPushCategories { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A copy of the row as read: a read shared by several requests gives each request its own.</summary>
    public WalletAccount Copy() => (WalletAccount)MemberwiseClone();
}

/// <summary>An account's <see cref="WalletAccount.Status"/>. Only an active account pays, receives or changes anything.</summary>
public static class AccountStatus
{
    public const string Active = "active";

    /// <summary>Deleted by its user (<c>accountDelete</c>): its journal stays, and its username stays taken.</summary>
    public const string Closed = "closed";
}
