using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Glint.Data;
using Glint.Data.Audit;
using Glint.Data.Maintenance;
using Glint.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using OpenIddict.Abstractions;

namespace Glint.Auth.FlowStorage;

/// <summary>
/// Every query on flows and login sessions. A flow travels sealed until a verifier is redeemed; what is stored is
/// what must outlive a step: the redemption of each verifier (one row per flow, its primary key the flow's id, so a
/// verifier redeems once on any node), the given consent on that row with the OpenIddict authorization its tokens
/// hang from, and the remembered login sessions.
/// </summary>
/// <remarks>The redemptions are committed by the node's <see cref="OAuth2.TokenWriter"/>, with the other writes in flight; a
/// store that only reads and deletes (the janitor's) is made without one.</remarks>
public sealed class FlowStore(GlintDbContext db, OAuth2.TokenWriter? writer = null)
{
    /// <summary>The foreign key OpenIddict's model gives an authorization's client.</summary>
    private const string ApplicationKey = "ApplicationId";

    /// <summary>
    /// The state of a flow's redemption, or null while neither verifier has been redeemed. Asked on every admin answer
    /// and verifier, so read without EF Core's query pipeline, which cost more than the database's answer.
    /// </summary>
    public Task<OAuthFlowState?> RedemptionAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync("SELECT \"State\" FROM oauth2_flows WHERE \"Id\" = @id", [("id", flowId)],
            async reader => await reader.ReadAsync(cancellationToken) ? (OAuthFlowState?)reader.GetInt32(0) : null, cancellationToken);

    /// <summary>
    /// Stores a login or consent answer's audit row unless the flow's challenge is used, and says which: the answer's
    /// check for a used challenge (Hydra's 410) rides the audit row's group commit instead of costing a read of its own
    /// before it. The challenge is used once the flow has a redemption (<paramref name="usedStates"/> null: a login
    /// challenge) or a redemption in one of <paramref name="usedStates"/> (a consent challenge). False, and nothing
    /// written, when it is used.
    /// </summary>
    public Task<bool> AuditUnlessUsedAsync(AuditEvent audit, string flowId, IReadOnlyList<OAuthFlowState>? usedStates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var events = db.Model.FindEntityType(typeof(AuditEvent))!;
        var flows = db.Model.FindEntityType(typeof(OAuthFlow))!;
        var properties = OAuth2.TokenWriter.AuditTable.Properties;
        var values = OAuth2.TokenWriter.AuditTable.ValuesOf(audit);
        var states = usedStates ?? [];
        var sql = AuditUnlessUsedStatements.GetOrAdd((db.Model, states.Count), static key => AuditUnlessUsedStatement(key.Model, key.States));
        var write = new OAuth2.RedemptionWrite(sql, "audit_events/" + flowId)
            .Bind(flows, nameof(OAuthFlow.Id), "flow", flowId);
        for (var column = 0; column < properties.Length; column++)
        {
            write.Bind(events, properties[column], AuditParameters[column], values[column]);
        }

        for (var i = 0; i < states.Count; i++)
        {
            write.Bind(flows, nameof(OAuthFlow.State), $"used_{i}", states[i]);
        }

        return Writer.RedeemAsync(write, cancellationToken);
    }

    /// <summary>
    /// <see cref="AuditUnlessUsedAsync"/>'s statement by model and number of used states: built once rather than on every
    /// login and consent answer, where joining its column names showed in the code flow's profile.
    /// </summary>
    private static readonly ConcurrentDictionary<(IModel Model, int States), string> AuditUnlessUsedStatements = new();

    private static readonly string[] AuditParameters = [.. OAuth2.TokenWriter.AuditTable.Properties.Select((_, column) => $"audit_{column}")];

    private static string AuditUnlessUsedStatement(IModel model, int states)
    {
        var events = model.FindEntityType(typeof(AuditEvent))!;
        var properties = OAuth2.TokenWriter.AuditTable.Properties;
        return $"INSERT INTO \"{events.GetTableName()}\" ({string.Join(", ", properties.Select(name => $"\"{events.FindProperty(name)!.GetColumnName()}\""))}) " +
            $"SELECT {string.Join(", ", AuditParameters.Select(name => "@" + name))} " +
            "WHERE NOT EXISTS (SELECT 1 FROM oauth2_flows WHERE \"Id\" = @flow" +
            (states == 0 ? "" : $" AND \"State\" IN ({string.Join(", ", Enumerable.Range(0, states).Select(i => $"@used_{i}"))})") + ")";
    }

    /// <summary>
    /// Redeems a login verifier: inserts the flow's redemption (and the new remembered login session with it, in one
    /// commit). False when the flow was already redeemed, here or on another node: the primary key is the flow's id,
    /// and of two inserts one does nothing. The session is inserted only by the statement whose redemption (its
    /// version) went in. Committed with the node's other writes in flight (<see cref="OAuth2.TokenWriter"/>), without
    /// EF Core's change tracking.
    /// </summary>
    public Task<bool> RedeemLoginAsync(OAuthFlow redemption, LoginSession? rememberedSession, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(redemption);
        var flows = db.Model.FindEntityType(typeof(OAuthFlow))!;
        var write = new OAuth2.RedemptionWrite(
                "INSERT INTO oauth2_flows (\"Id\", \"ClientId\", \"Subject\", \"SessionId\", \"State\", \"ConsentRemembered\", " +
                "\"AuthorizationId\", \"RequestedAt\", \"Document\", \"Version\") " +
                "VALUES (@id, @client, @subject, @session, @state, @remembered, @authorization, @requested, @document, @version) " +
                "ON CONFLICT (\"Id\") DO NOTHING",
                "oauth2_flows/" + redemption.Id)
            .Bind(flows, nameof(OAuthFlow.Id), "id", redemption.Id)
            .Bind(flows, nameof(OAuthFlow.ClientId), "client", redemption.ClientId)
            .Bind(flows, nameof(OAuthFlow.Subject), "subject", redemption.Subject)
            .Bind(flows, nameof(OAuthFlow.SessionId), "session", redemption.SessionId)
            .Bind(flows, nameof(OAuthFlow.State), "state", redemption.State)
            .Bind(flows, nameof(OAuthFlow.ConsentRemembered), "remembered", redemption.ConsentRemembered)
            .Bind(flows, nameof(OAuthFlow.AuthorizationId), "authorization", redemption.AuthorizationId)
            .Bind(flows, nameof(OAuthFlow.RequestedAt), "requested", redemption.RequestedAt)
            .Bind(flows, nameof(OAuthFlow.Document), "document", redemption.Document)
            .Bind(flows, nameof(OAuthFlow.Version), "version", redemption.Version);
        if (rememberedSession is not null)
        {
            var sessions = db.Model.FindEntityType(typeof(LoginSession))!;
            write.Then(
                    "INSERT INTO oauth2_login_sessions (\"Id\", \"Subject\", \"AuthenticatedAt\", \"Remember\", \"ExpiresAt\") " +
                    "SELECT @session_id, @session_subject, @authenticated, @remember, @expires " +
                    "WHERE EXISTS (SELECT 1 FROM oauth2_flows WHERE \"Id\" = @id AND \"Version\" = @version)")
                .Bind(sessions, nameof(LoginSession.Id), "session_id", rememberedSession.Id)
                .Bind(sessions, nameof(LoginSession.Subject), "session_subject", rememberedSession.Subject)
                .Bind(sessions, nameof(LoginSession.AuthenticatedAt), "authenticated", rememberedSession.AuthenticatedAt)
                .Bind(sessions, nameof(LoginSession.Remember), "remember", rememberedSession.Remember)
                .Bind(sessions, nameof(LoginSession.ExpiresAt), "expires", rememberedSession.ExpiresAt);
        }

        return Writer.RedeemAsync(write, cancellationToken);
    }

    /// <summary>
    /// Redeems an accepted consent verifier (<see cref="ConsentRedemption"/>): records the given consent on the flow's
    /// redemption, if it is still the version the login redemption left, and inserts its authorization in the same
    /// commit. False when the verifier was already redeemed.
    /// </summary>
    public Task<bool> RedeemConsentAsync(OAuth2.RedemptionWrite consentRedemption, CancellationToken cancellationToken) =>
        Writer.RedeemAsync(consentRedemption, cancellationToken);

    /// <summary>
    /// An accepted consent verifier's redemption (see <see cref="RedeemConsentAsync"/>), to commit alone or with the
    /// rows that depend on it (the code the verifier is answered with, see <see cref="OAuth2.DeferredRedemption"/>):
    /// it has won once the flow's row carries the version it set. <paramref name="authorization"/> is built by
    /// <see cref="NewAuthorization"/>.
    /// </summary>
    public OAuth2.RedemptionWrite ConsentRedemption(OAuthFlow consent, Guid redemptionVersion, OAuthAuthorization authorization, string applicationId)
    {
        ArgumentNullException.ThrowIfNull(consent);
        ArgumentNullException.ThrowIfNull(authorization);
        var flows = db.Model.FindEntityType(typeof(OAuthFlow))!;
        var authorizations = db.Model.FindEntityType(typeof(OAuthAuthorization))!;
        // The update only applies to the version the login redemption left, and the insert only follows an update that
        // applied (it looks for the new version).
        var write = new OAuth2.RedemptionWrite(
                "UPDATE oauth2_flows SET \"Subject\" = @subject, \"State\" = @state, \"ConsentRemembered\" = @remembered, " +
                "\"AuthorizationId\" = @authorization, \"Document\" = @document, \"Version\" = @next WHERE \"Id\" = @id AND \"Version\" = @version",
                "oauth2_flows/" + consent.Id)
            .Then(
                "INSERT INTO oauth2_authorizations (\"Id\", \"ApplicationId\", \"ConcurrencyToken\", \"CreationDate\", \"Scopes\", \"Status\", \"Subject\", \"Type\") " +
                "SELECT @authorization, @application, @concurrency, @created, @scopes, @status, @subject, @type " +
                "WHERE EXISTS (SELECT 1 FROM oauth2_flows WHERE \"Id\" = @id AND \"Version\" = @next)")
            .WonWhen("EXISTS (SELECT 1 FROM oauth2_flows WHERE \"Id\" = @id AND \"Version\" = @next)")
            .Bind(flows, nameof(OAuthFlow.Id), "id", consent.Id)
            .Bind(flows, nameof(OAuthFlow.Version), "version", redemptionVersion)
            .Bind(flows, nameof(OAuthFlow.Version), "next", Guid.NewGuid())
            .Bind(flows, nameof(OAuthFlow.Subject), "subject", consent.Subject)
            .Bind(flows, nameof(OAuthFlow.State), "state", consent.State)
            .Bind(flows, nameof(OAuthFlow.ConsentRemembered), "remembered", consent.ConsentRemembered)
            .Bind(flows, nameof(OAuthFlow.AuthorizationId), "authorization", authorization.Id)
            .Bind(flows, nameof(OAuthFlow.Document), "document", consent.Document)
            .Bind(authorizations, ApplicationKey, "application", applicationId)
            .Bind(authorizations, nameof(OAuthAuthorization.ConcurrencyToken), "concurrency", authorization.ConcurrencyToken)
            .Bind(authorizations, nameof(OAuthAuthorization.CreationDate), "created", authorization.CreationDate)
            .Bind(authorizations, nameof(OAuthAuthorization.Scopes), "scopes", authorization.Scopes)
            .Bind(authorizations, nameof(OAuthAuthorization.Status), "status", authorization.Status)
            .Bind(authorizations, nameof(OAuthAuthorization.Type), "type", authorization.Type);
        consent.AuthorizationId = authorization.Id;
        return write;
    }

    /// <summary>The node's writer, which commits redemptions; a store made without one (the janitor's) only reads and deletes.</summary>
    private OAuth2.TokenWriter Writer => writer ?? throw new InvalidOperationException("This flow store was made to read and delete, not to redeem.");

    /// <summary>The OpenIddict authorization a given consent's tokens hang from, as OpenIddict's authorization manager stores one.</summary>
    public static OAuthAuthorization NewAuthorization(string? subject, string type, IReadOnlyCollection<string> scopes, DateTimeOffset now) =>
        new()
        {
            Id = Guid.NewGuid().ToString(),
            ConcurrencyToken = Guid.NewGuid().ToString(),
            CreationDate = now.UtcDateTime,
            Scopes = scopes.Count > 0 ? JsonSerializer.Serialize(scopes) : null,
            Status = OpenIddictConstants.Statuses.Valid,
            Subject = subject,
            Type = type,
        };

    /// <summary>Redeems a rejected consent verifier; false when it was already redeemed.</summary>
    public async Task<bool> RedeemRejectedConsentAsync(OAuthFlow rejected, Guid redemptionVersion, CancellationToken cancellationToken)
    {
        Update(rejected, redemptionVersion);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>A remembered, unexpired login session: what lets a new flow skip login.</summary>
    public async Task<LoginSession?> RememberedSessionAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = await SessionAsync(id, cancellationToken);
        return session is { Remember: true } && (session.ExpiresAt is null || session.ExpiresAt > now) ? session : null;
    }

    public Task<LoginSession?> SessionAsync(string id, CancellationToken cancellationToken) =>
        db.LoginSessions.AsNoTracking().SingleOrDefaultAsync(session => session.Id == id, cancellationToken);

    /// <summary>Hydra's <c>extend_session_lifespan</c>: a remembered session lives on from now.</summary>
    public Task ExtendSessionAsync(string id, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        db.LoginSessions.Where(session => session.Id == id)
            .ExecuteUpdateAsync(update => update.SetProperty(session => session.ExpiresAt, expiresAt), cancellationToken);

    /// <summary>Ends the login sessions of a subject, or the one with id <paramref name="sid"/>.</summary>
    public Task EndSessionsAsync(string subject, string sid, CancellationToken cancellationToken) =>
        db.LoginSessions
            .Where(session => (subject.Length > 0 && session.Subject == subject) || (sid.Length > 0 && session.Id == sid))
            .ExecuteDeleteAsync(cancellationToken);

    /// <summary>The remembered consents of a subject for a client: what a new flow may skip consent to.</summary>
    public Task<IReadOnlyList<FlowDocument>> RememberedConsentsAsync(string subject, string clientId, CancellationToken cancellationToken) =>
        ReadAsync(
            "SELECT \"Document\" FROM oauth2_flows WHERE \"Subject\" = @subject AND \"ClientId\" = @client AND \"ConsentRemembered\"",
            [("subject", subject), ("client", clientId)],
            async reader =>
            {
                var documents = new List<FlowDocument>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    documents.Add(FlowDocument.Parse(reader.GetString(0)));
                }

                return (IReadOnlyList<FlowDocument>)documents;
            },
            cancellationToken);

    /// <summary>A subject's given consents, oldest first; of one login session, or for one client, when named.</summary>
    public async Task<List<OAuthFlow>> GivenConsentsAsync(string subject, string? sessionId, string? clientId, CancellationToken cancellationToken)
    {
        var consents = await db.OAuthFlows.AsNoTracking()
            .Where(flow => flow.Subject == subject && flow.State == OAuthFlowState.ConsentUsed && flow.AuthorizationId != null)
            .Where(flow => sessionId == null || flow.SessionId == sessionId)
            .Where(flow => clientId == null || flow.ClientId == clientId)
            .ToListAsync(cancellationToken);
        // Ordered here: SQLite cannot order by a DateTimeOffset column, and one user's consents are few.
        consents.Sort((a, b) => a.RequestedAt.CompareTo(b.RequestedAt));
        return consents;
    }

    /// <summary>Forgets given consents (their authorizations are revoked by the caller).</summary>
    public Task ForgetConsentsAsync(IReadOnlyCollection<string> flowIds, CancellationToken cancellationToken) =>
        db.OAuthFlows.Where(flow => flowIds.Contains(flow.Id)).ExecuteDeleteAsync(cancellationToken);

    /// <summary>The given consent whose authorization a token hangs from: its login facts and ID token claims.</summary>
    public Task<OAuthFlow?> ConsentOfAuthorizationAsync(string authorizationId, CancellationToken cancellationToken) =>
        db.OAuthFlows.AsNoTracking().SingleOrDefaultAsync(flow => flow.AuthorizationId == authorizationId, cancellationToken);

    /// <summary>The clients a login session gave consent to: those told when it ends.</summary>
    public Task<List<string>> ClientsOfSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        db.OAuthFlows.AsNoTracking()
            .Where(flow => flow.SessionId == sessionId && flow.State == OAuthFlowState.ConsentUsed)
            .Select(flow => flow.ClientId)
            .Distinct()
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Deletes redemptions nothing can use any more: unfinished or refused flows once they can no longer be answered
    /// (older than <paramref name="requestCutoff"/>), and a used consent once it is neither remembered nor holding
    /// tokens (its tokens' userinfo reads it until then).
    /// </summary>
    public Task<int> DeleteDeadFlowsAsync(DateTimeOffset requestCutoff, DeleteBounds bounds, CancellationToken cancellationToken) =>
        db.OAuthFlows.DeleteDeadAsync(flow => flow.Id,
            flow => flow.RequestedAt < requestCutoff
                && (flow.State != OAuthFlowState.ConsentUsed
                    || (!flow.ConsentRemembered
                        && (flow.AuthorizationId == null || !db.OAuthTokens.Any(token => token.Authorization!.Id == flow.AuthorizationId)))),
            bounds, cancellationToken);

    /// <summary>Deletes the login sessions that expired before <paramref name="cutoff"/>.</summary>
    public Task<int> DeleteExpiredSessionsAsync(DateTimeOffset cutoff, DeleteBounds bounds, CancellationToken cancellationToken) =>
        db.LoginSessions.DeleteDeadAsync(session => session.Id, session => session.ExpiresAt < cutoff, bounds, cancellationToken);

    /// <summary>The authorizations of remembered consents, as a query to compose: those are kept while remembered.</summary>
    public IQueryable<string> RememberedConsentAuthorizationIds =>
        db.OAuthFlows.Where(flow => flow.ConsentRemembered && flow.AuthorizationId != null).Select(flow => flow.AuthorizationId!);

    /// <summary>
    /// A query of text parameters on the context's connection, read by <paramref name="read"/>; numbered on PostgreSQL
    /// (<see cref="NumberedParameters"/>).
    /// </summary>
    private async Task<T> ReadAsync<T>(
        string sql, (string Name, string Value)[] values, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            foreach (var (name, value) in values)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }

            if (db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
            {
                NumberedParameters.Number(command);
            }

            using var timing = DatabaseTelemetry.Time(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await read(reader);
        }
        catch (DbException refused)
        {
            RefusedCommands.Note(db.Database.GetDbConnection(), refused);
            throw;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>An update of the flow's redemption row that only applies if nobody has changed it since <paramref name="version"/>.</summary>
    private Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<OAuthFlow> Update(OAuthFlow row, Guid version)
    {
        var entry = db.OAuthFlows.Attach(new OAuthFlow { Id = row.Id, ClientId = row.ClientId, SessionId = row.SessionId, Version = version });
        entry.CurrentValues.SetValues(row);
        entry.Entity.Version = Guid.NewGuid();
        return entry;
    }
}
