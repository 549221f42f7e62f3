using Glint.Api.Errors;
using Glint.Auth.FlowStorage;
using Glint.Auth.Revocation;
using Glint.Data;
using Glint.Data.OAuth;
using Glint.Data.Users;
using Glint.Login.Totp;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Core;

namespace Glint.Api.Accounts;

/// <summary>
/// <c>accountDelete</c>: an account whose wallets are all empty is closed, and every credential of its user dies with
/// it, in one transaction: OAuth2 tokens and consents, remembered logins, session tokens, API keys and callback
/// endpoints. The email and phone are freed for a new account; the ledger keeps every entry (its journal is
/// append-only), and the username stays taken so nobody else can receive payments meant for it.
/// </summary>
public sealed class AccountClosure(
    GlintDbContext db, FlowStore flows, OpenIddictTokenManager<OAuthToken> tokens,
    OpenIddictAuthorizationManager<OAuthAuthorization> authorizations, CredentialRevocations revocations, TimeProvider time)
{
    public static readonly ApiError HasBalance = new("INVALID_INPUT",
        "The account cannot be deleted while a wallet has a non-zero balance: send the funds elsewhere, then delete the account.");

    public async Task<ApiError?> CloseAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // Locked until the commit: no payment moves these balances between the check and the closing.
            if (await LockedBalancesAsync(accountId, cancellationToken) is var balances && balances.Any(balance => balance != 0))
            {
                return HasBalance;
            }

            var account = await db.Accounts.SingleAsync(candidate => candidate.Id == accountId, cancellationToken);
            var user = await db.Users.SingleAsync(candidate => candidate.Id == account.UserId, cancellationToken);
            account.Status = Data.Wallets.AccountStatus.Closed;
            user.Status = UserStatus.Closed;
            user.Email = null;
            user.EmailVerified = false;
            user.Phone = null;
            TotpAuthenticator.Disable(user);
            await db.SaveChangesAsync(cancellationToken);
            await RevokeCredentialsAsync(user.Id, accountId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Announced after the commit, so that no node can re-cache a credential between the revocation and its
        // commit (the managers announced it too, from inside the transaction).
        revocations.Revoked();
        return null;
    }

    private async Task RevokeCredentialsAsync(Guid userId, Guid accountId, CancellationToken cancellationToken)
    {
        var subject = userId.ToString("D");
        var now = time.GetUtcNow();
        await db.SessionTokens.Where(session => session.UserId == userId && session.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(session => session.RevokedAt, now), cancellationToken);
        await db.ApiKeys.Where(key => key.UserId == userId && key.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(key => key.RevokedAt, now), cancellationToken);
        await db.CallbackDeliveries.Where(delivery => db.CallbackEndpoints.Any(endpoint => endpoint.Id == delivery.EndpointId && endpoint.AccountId == accountId))
            .ExecuteDeleteAsync(cancellationToken);
        await db.CallbackEndpoints.Where(endpoint => endpoint.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);

        var consents = await flows.GivenConsentsAsync(subject, sessionId: null, clientId: null, cancellationToken);
        await flows.ForgetConsentsAsync([.. consents.Select(flow => flow.Id)], cancellationToken);
        await authorizations.RevokeBySubjectAsync(subject, cancellationToken);
        await tokens.RevokeBySubjectAsync(subject, cancellationToken);
        await flows.EndSessionsAsync(subject, sid: "", cancellationToken);
    }

    /// <summary>
    /// The account's wallet balances, their rows locked for the rest of the transaction on PostgreSQL; SQLite's
    /// transaction already holds the database's write lock (Microsoft.Data.Sqlite begins it as <c>BEGIN IMMEDIATE</c>).
    /// </summary>
    private async Task<List<long>> LockedBalancesAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL"
            ? await db.Database.SqlQuery<long>($"SELECT \"Balance\" AS \"Value\" FROM wallets WHERE \"AccountId\" = {accountId} FOR UPDATE").ToListAsync(cancellationToken)
            : await db.Wallets.Where(wallet => wallet.AccountId == accountId).Select(wallet => wallet.Balance).ToListAsync(cancellationToken);
}
