using System.Security.Claims;
using Glint.Data.Wallets;

namespace Glint.Api.Access;

/// <summary>
/// Who calls the API, read from the request's principal: its <c>sub</c> is a user id and its <c>scope</c> the granted
/// scopes, space-separated. A principal without a user-id subject is anonymous, as Blink treats <c>anon</c>.
/// </summary>
public sealed class Caller
{
    public const string ReadScope = "read";
    public const string WriteScope = "write";
    public const string ReceiveScope = "receive";

    /// <summary>The credential kind of a first-party session token, the only kind that is not scoped.</summary>
    public const string SessionCredential = "session";

    private Caller(Guid? userId, IReadOnlySet<string> scopes, bool unrestricted, Guid? sessionId = null)
    {
        UserId = userId;
        Scopes = scopes;
        Unrestricted = unrestricted;
        SessionId = sessionId;
    }

    /// <summary>The session token's id, when the caller used one.</summary>
    public Guid? SessionId { get; }

    public Guid? UserId { get; }

    public IReadOnlySet<string> Scopes { get; }

    /// <summary>
    /// True for session tokens alone. Unlike Blink, an OAuth token or API key with none of the API's scopes may do
    /// nothing: an empty consent must never mean full access.
    /// </summary>
    public bool Unrestricted { get; }

    /// <summary>The caller's account, loaded once by the first authenticated root field of the request.</summary>
    public WalletAccount? Account { get; set; }

    /// <summary>
    /// The account's wallets, read with it in the same round trip when a query (never a mutation or a subscription,
    /// which would see them go stale) loaded the account; null otherwise.
    /// </summary>
    public IReadOnlyList<Data.Wallets.Wallet>? AccountWallets { get; set; }

    /// <summary>The wallets read with the caller's account, when <paramref name="accountId"/> is that account.</summary>
    public IReadOnlyList<Data.Wallets.Wallet>? WalletsOf(Guid accountId) => Account?.Id == accountId ? AccountWallets : null;

    public static Caller From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true || !Guid.TryParse(principal.FindFirst("sub")?.Value, out var userId))
        {
            return new Caller(null, new HashSet<string>(), unrestricted: false);
        }

        var scopes = (principal.FindFirst("scope")?.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var session = principal.FindFirst("glint_credential")?.Value == SessionCredential;
        return new Caller(userId, new HashSet<string>(scopes, StringComparer.Ordinal), session,
            session && Guid.TryParse(principal.FindFirst("glint_session")?.Value, out var sessionId) ? sessionId : null);
    }

    /// <summary>Blink's rule, except for empty scopes (see <see cref="Unrestricted"/>): receive is also satisfied by write.</summary>
    public bool Allows(ScopeRule rule) => rule switch
    {
        ScopeRule.None => true,
        _ when Unrestricted => true,
        ScopeRule.Read => Scopes.Contains(ReadScope),
        ScopeRule.Write => Scopes.Contains(WriteScope),
        ScopeRule.Receive => Scopes.Contains(ReceiveScope) || Scopes.Contains(WriteScope),
        _ => false,
    };
}
