using Glint.Data.Audit;
using OpenIddict.Server;

namespace Glint.Auth.OAuth2;

/// <summary>
/// A redemption that waits for the token entries its sign-in issues, to be committed with them as one write
/// (<see cref="TokenWriter.RedeemAsync(RedemptionWrite, IReadOnlyList{TokenEntry}, AuditEvent?, CancellationToken)"/>):
/// a consent verifier's with its code, a code's with the tokens it is exchanged for. The entries are stored only if
/// the redemption wins, so the request waits for one commit instead of two, and a request that lost the race fails
/// with <see cref="Lost"/> having stored nothing. Kept in the request's OpenIddict transaction from the moment the
/// redemption is decided until <see cref="GlintServerHandlers.TokenEntries.AwaitEntries"/> commits it.
/// </summary>
/// <param name="write">The redemption, with the condition that holds once it went in (<see cref="RedemptionWrite.WonWhen"/>).</param>
/// <param name="lost">The error the request answers with when another request redeemed first.</param>
/// <param name="won">What the request does once its redemption is committed and won, before its response goes out.</param>
public sealed class DeferredRedemption(RedemptionWrite write, DeferredRedemption.Refusal lost, Func<ValueTask>? won = null)
{
    private const string Property = ".glint:deferred_redemption";

    private readonly List<TokenEntry> _entries = [];

    /// <summary>An OAuth error: code, description, and OpenIddict's error URI (dropped from Glint's responses).</summary>
    public sealed record Refusal(string Error, string Description, string? Uri = null);

    public Refusal Lost { get; } = lost;

    /// <summary>The <c>token.issued</c> audit row of a token response, stored with its entries.</summary>
    public AuditEvent? Audit { get; set; }

    /// <summary>Whether it has gone to the writer (then it is not sent again, whatever came of it).</summary>
    public bool Sent { get; private set; }

    /// <summary>Defers <paramref name="redemption"/> until the entries of <paramref name="transaction"/>'s sign-in are issued.</summary>
    public static void Defer(OpenIddictServerTransaction transaction, DeferredRedemption redemption)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        transaction.SetProperty(Property, redemption);
    }

    /// <summary>The redemption deferred in <paramref name="transaction"/> and not yet sent to the writer, if any.</summary>
    public static DeferredRedemption? Unsent(OpenIddictServerTransaction transaction) =>
        transaction.GetProperty<DeferredRedemption>(Property) is { Sent: false } redemption ? redemption : null;

    /// <summary>An entry of the sign-in, stored only if the redemption wins.</summary>
    public void Add(TokenEntry entry) => _entries.Add(entry);

    /// <summary>Commits the redemption with the entries added so far: true once won (and <c>won</c> done), false once lost.</summary>
    public async Task<bool> CommitAsync(TokenWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Sent = true;
        if (!await writer.RedeemAsync(write, _entries, Audit, cancellationToken))
        {
            return false;
        }

        if (won is not null)
        {
            await won();
        }

        return true;
    }

    /// <summary>Commits the redemption alone, without the entries: for a sign-in refused before they were issued.</summary>
    public async Task SpendAsync(TokenWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Sent = true;
        if (await writer.RedeemAsync(write, cancellationToken) && won is not null)
        {
            await won();
        }
    }
}
