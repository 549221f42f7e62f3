using Glint.Api.Errors;
using Glint.Data;
using Glint.Data.Wallets;
using Microsoft.EntityFrameworkCore;

namespace Glint.Api.Accounts;

/// <summary>Blink's <c>NotificationChannelSettings</c> of the push channel.</summary>
public sealed record PushSettings(bool Enabled, IReadOnlyList<string> DisabledCategories);

/// <summary>
/// Blink's notification settings: whether push notifications are on, and which categories are off. Glint sends no
/// push notifications itself; the settings are kept for the apps that read them.
/// </summary>
public sealed class NotificationSettings(GlintDbContext db)
{
    /// <summary>Blink's notification categories.</summary>
    public static readonly IReadOnlyList<string> Categories = ["Circles", "Payments", "Balance", "AdminNotification", "Marketing", "Price", "Security"];

    /// <summary>
    /// The account's push settings, read on their own: the account read behind every query leaves them out, as few
    /// queries ask for them.
    /// </summary>
    public async Task<PushSettings> ReadAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var settings = await db.Accounts.AsNoTracking().Where(account => account.Id == accountId)
            .Select(account => new { account.PushNotificationsDisabled, account.DisabledPushCategories }).SingleAsync(cancellationToken);
        return new PushSettings(!settings.PushNotificationsDisabled, DisabledCategoriesOf(settings.DisabledPushCategories));
    }

    private static string[] DisabledCategoriesOf(string stored) => stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public async Task<WalletAccount> SetChannelAsync(Guid accountId, bool enabled, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.SingleAsync(candidate => candidate.Id == accountId, cancellationToken);
        account.PushNotificationsDisabled = !enabled;
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    public async Task<(WalletAccount? Account, ApiError? Error)> SetCategoryAsync(Guid accountId, string category, bool enabled, CancellationToken cancellationToken)
    {
        if (!Categories.Contains(category, StringComparer.Ordinal))
        {
            return (null, new ApiError("INVALID_INPUT", $"Invalid notification category '{category}': category must be one of {string.Join(", ", Categories)}."));
        }

        var account = await db.Accounts.SingleAsync(candidate => candidate.Id == accountId, cancellationToken);
        var disabled = DisabledCategoriesOf(account.DisabledPushCategories).Where(existing => existing != category).ToList();
        if (!enabled)
        {
            disabled.Add(category);
        }

        account.DisabledPushCategories = string.Join(' ', disabled);
        await db.SaveChangesAsync(cancellationToken);
        return (account, null);
    }
}
