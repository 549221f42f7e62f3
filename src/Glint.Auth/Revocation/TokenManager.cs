using System.Security.Cryptography;
using System.Text;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.Revocation;

/// <summary>
/// OpenIddict's token manager, telling <see cref="CredentialRevocations"/> about every token it ends. OpenIddict
/// revokes in bulk with set-based updates that bypass the change tracker, so this is the one place that sees them
/// all: the revocation endpoint, refresh-token reuse, consent and client revocations, and Glint's own callers.
/// Issued tokens are not created through it but written by <see cref="OAuth2.TokenWriter"/>, which stores their
/// references in the same form (<see cref="ObfuscateReference"/>), and redemptions are one direct update
/// (<see cref="TryRedeemAsync"/>). The request's database context is taken on first use, as OpenIddict's stores take it
/// (<see cref="OAuth2.DatabaseContextOnDemand"/>): a <c>client_credentials</c> request builds this manager but never
/// reads or writes through it, and renting and resetting a pooled context cost it about 1.4 % of its CPU.
/// </summary>
public sealed class TokenManager(
    IOpenIddictTokenCache<OAuthToken> cache,
    ILogger<OpenIddictTokenManager<OAuthToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OAuthToken> store,
    CredentialRevocations revocations,
    IServiceProvider services,
    OAuth2.TokenWriter writer)
    : OpenIddictTokenManager<OAuthToken>(cache, logger, options, store)
{
    private GlintDbContext? _db;

    private GlintDbContext Db => _db ??= services.GetRequiredService<GlintDbContext>();

    /// <summary>How a token's reference is stored and looked up: its SHA-256, base64 (OpenIddict's default form).</summary>
    public static string ObfuscateReference(string reference) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(reference)));

    protected override ValueTask<string> ObfuscateReferenceIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ObfuscateReference(identifier));

    /// <summary>
    /// Redeems a code, device code or refresh token as OpenIddict does (status <c>redeemed</c>, the first redemption's
    /// date kept, a new concurrency token), in one UPDATE that applies only to the concurrency token this request read:
    /// of two redemptions, on any nodes, one wins. OpenIddict's own update goes through EF Core's change tracking and
    /// first checks the reference's uniqueness, which a redemption cannot change; on the code exchange that was a
    /// large share of the request's CPU.
    /// </summary>
    public override async ValueTask<bool> TryRedeemAsync(OAuthToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Id is not { } id || token.ConcurrencyToken is not { } current)
        {
            return await base.TryRedeemAsync(token, cancellationToken);
        }

        var (redeemedAt, concurrency) = NextRedemption(token);
        var tokens = Db.Model.FindEntityType(typeof(OAuthToken))!;
        bool redeemed;
        if (Db.Database.CurrentTransaction is null)
        {
            // Committed with the node's other writes in flight: one commit for many requests.
            redeemed = await writer.RedeemAsync(Redemption(tokens, id, current, redeemedAt, concurrency), cancellationToken);
        }
        else
        {
            // Within the caller's transaction, on its connection: it commits, or not, with the caller's other writes.
            redeemed = await RedeemAsync(RedeemSql, tokens, redeemedAt, concurrency, id, current, cancellationToken) > 0;
        }

        if (!redeemed)
        {
            // Another redemption, or a revocation, changed the entry since this request read it.
            return false;
        }

        await RedeemedAsync(token, redeemedAt, concurrency, cancellationToken);
        return true;
    }

    /// <summary>
    /// The same redemption as <see cref="TryRedeemAsync"/>'s, deferred to be committed with the rows that may be stored
    /// only if it wins (the tokens a code is exchanged for): it has won once the entry carries the concurrency token
    /// it set. Null when it cannot be deferred (an entry without id or concurrency token, or a caller's transaction
    /// open): then <see cref="TryRedeemAsync"/> redeems it.
    /// </summary>
    public OAuth2.DeferredRedemption? DeferRedemption(OAuthToken token, OAuth2.DeferredRedemption.Refusal lost)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Id is not { } id || token.ConcurrencyToken is not { } current || Db.Database.CurrentTransaction is not null)
        {
            return null;
        }

        var (redeemedAt, concurrency) = NextRedemption(token);
        var write = Redemption(Db.Model.FindEntityType(typeof(OAuthToken))!, id, current, redeemedAt, concurrency)
            .WonWhen("EXISTS (SELECT 1 FROM oauth2_tokens WHERE \"Id\" = @id AND \"ConcurrencyToken\" = @next)");
        return new OAuth2.DeferredRedemption(write, lost, () => RedeemedAsync(token, redeemedAt, concurrency, CancellationToken.None));
    }

    private const string RedeemSql =
        "UPDATE oauth2_tokens SET \"Status\" = @status, \"RedemptionDate\" = @redeemed, \"ConcurrencyToken\" = @next " +
        "WHERE \"Id\" = @id AND \"ConcurrencyToken\" = @current";

    /// <summary>A redemption's date (the first redemption's, if there was one) and the entry's next concurrency token.</summary>
    private (DateTime RedeemedAt, string Concurrency) NextRedemption(OAuthToken token) =>
        (token.RedemptionDate ?? (Options.CurrentValue.TimeProvider?.GetUtcNow() ?? DateTimeOffset.UtcNow).UtcDateTime, Guid.NewGuid().ToString());

    private static OAuth2.RedemptionWrite Redemption(
        Microsoft.EntityFrameworkCore.Metadata.IEntityType tokens, string id, string current, DateTime redeemedAt, string concurrency) =>
        new OAuth2.RedemptionWrite(RedeemSql, "oauth2_tokens/" + id)
            .Bind(tokens, nameof(OAuthToken.Status), "status", Statuses.Redeemed)
            .Bind(tokens, nameof(OAuthToken.RedemptionDate), "redeemed", redeemedAt)
            .Bind(tokens, nameof(OAuthToken.ConcurrencyToken), "next", concurrency)
            .Bind(tokens, nameof(OAuthToken.Id), "id", id)
            .Bind(tokens, nameof(OAuthToken.ConcurrencyToken), "current", current);

    /// <summary>The request's copy of the entry, once its redemption is committed: as stored now.</summary>
    private async ValueTask RedeemedAsync(OAuthToken token, DateTime redeemedAt, string concurrency, CancellationToken cancellationToken)
    {
        token.Status = Statuses.Redeemed;
        token.RedemptionDate = redeemedAt;
        token.ConcurrencyToken = concurrency;
        // The entry is what is stored now: a later SaveChanges in this request must not write it again.
        var entry = OAuth2.TrackedEntities.EntryOf(Db, token);
        if (entry.State != EntityState.Detached)
        {
            entry.OriginalValues.SetValues(entry.CurrentValues);
            entry.State = EntityState.Unchanged;
        }

        if (!Options.CurrentValue.DisableEntityCaching)
        {
            await Cache.RemoveAsync(token, cancellationToken);
            await Cache.AddAsync(token, cancellationToken);
        }
    }

    /// <summary>The redemption's UPDATE on the request's connection: the rows it changed, 0 or 1.</summary>
    private async Task<int> RedeemAsync(
        string sql, Microsoft.EntityFrameworkCore.Metadata.IEntityType tokens, DateTime redeemedAt, string concurrency, string id, string current,
        CancellationToken cancellationToken)
    {
        await Db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = Db.Database.CurrentTransaction?.GetDbTransaction();
            Bind(command, tokens, nameof(OAuthToken.Status), "status", Statuses.Redeemed);
            Bind(command, tokens, nameof(OAuthToken.RedemptionDate), "redeemed", redeemedAt);
            Bind(command, tokens, nameof(OAuthToken.ConcurrencyToken), "next", concurrency);
            Bind(command, tokens, nameof(OAuthToken.Id), "id", id);
            Bind(command, tokens, nameof(OAuthToken.ConcurrencyToken), "current", current);
            using var timing = DatabaseTelemetry.Time(command);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (System.Data.Common.DbException refused)
        {
            RefusedCommands.Note(Db.Database.GetDbConnection(), refused);
            throw;
        }
        finally
        {
            await Db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Binds a value as EF Core stores the column, converter included (SQLite keeps times in its own form).</summary>
    private static void Bind(System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Metadata.IEntityType entity, string property, string name, object? value) =>
        command.Parameters.Add(entity.FindProperty(property)!.GetRelationalTypeMapping().CreateParameter(command, name, value, nullable: true));

    public override async ValueTask<bool> TryRevokeAsync(OAuthToken token, CancellationToken cancellationToken = default)
    {
        var revoked = await base.TryRevokeAsync(token, cancellationToken);
        if (revoked && token.Id is { } id)
        {
            revocations.TokenRevoked(id);
        }

        return revoked;
    }

    public override async ValueTask DeleteAsync(OAuthToken token, CancellationToken cancellationToken = default)
    {
        await base.DeleteAsync(token, cancellationToken);
        if (token.Id is { } id)
        {
            revocations.TokenRevoked(id);
        }
    }

    public override async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeAsync(subject, client, status, type, cancellationToken));

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeByApplicationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeByAuthorizationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default) =>
        revocations.Revoked(await base.RevokeBySubjectAsync(subject, cancellationToken));
}
