using System.Threading.Channels;
using Glint.Data.Notifications;
using Microsoft.Extensions.Logging;

namespace Glint.Auth.Revocation;

/// <summary>
/// Tells the node's credential caches that something was revoked, here and on every other node.
/// <para>
/// The node that revokes calls <see cref="TokenRevoked"/> or <see cref="Revoked()"/> after the revocation is committed,
/// so its caches stop at once; the same news then goes out on the notification channel (PostgreSQL
/// <c>LISTEN/NOTIFY</c> between nodes), so other nodes stop within the time it takes to arrive. Should a message be
/// lost, every cache entry still expires within <see cref="AuthSettings.CredentialRevocationBound"/>.
/// </para>
/// <para>
/// A single token's revocation evicts that token. Anything wider (a consent, a client, a user, an API key) moves the
/// <see cref="Generation"/>, which retires every cached entry at once: revocations are rare next to API calls, and
/// the next use of each credential costs one lookup. A validation that started before a revocation records the
/// generation it started in, so it can never cache what the revocation ended.
/// </para>
/// </summary>
public sealed partial class CredentialRevocations : IAsyncDisposable
{
    private const string Prefix = "glint-revoked:";
    private const string Everything = Prefix + "*";
    private const string TokensPrefix = Prefix + "tokens:";

    // More single-token revocations than this in one batch are sent as one "everything" message.
    private const int MaxTokensPerMessage = 50;

    private readonly INotificationChannel _channel;
    private readonly ILogger _logger;
    private readonly IDisposable _subscription;
    private readonly Channel<string?> _outbox = Channel.CreateBounded<string?>(
        new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _sending;
    private long _generation;
    private int _overflowed;

    public CredentialRevocations(INotificationChannel channel, ILogger<CredentialRevocations> logger)
    {
        _channel = channel;
        _logger = logger;
        _subscription = channel.Subscribe(Hear);
        _sending = Task.Run(SendAsync);
    }

    /// <summary>Moves on whenever anything wider than one token is revoked; cache entries from earlier generations are dead.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Raised with the token entry's id when one token dies, on this node or another. It must not block.</summary>
    public event Action<string>? TokenEvicted;

    /// <summary>One token (by its entry id) was revoked or deleted.</summary>
    public void TokenRevoked(string tokenId)
    {
        TokenEvicted?.Invoke(tokenId);
        Send(tokenId);
    }

    /// <summary>Something wider than one token was revoked: every cached credential is checked again.</summary>
    public void Revoked()
    {
        Interlocked.Increment(ref _generation);
        Send(null);
    }

    /// <summary>A bulk revocation ended <paramref name="count"/> tokens or consents: announced when there were any.</summary>
    public long Revoked(long count)
    {
        if (count > 0)
        {
            Revoked();
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        _outbox.Writer.TryComplete();
        await _sending.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Send(string? tokenId)
    {
        if (!_outbox.Writer.TryWrite(tokenId))
        {
            // A full queue cannot lose news: the next batch goes out as "everything".
            Volatile.Write(ref _overflowed, 1);
        }
    }

    private void Hear(string message)
    {
        if (message == Everything)
        {
            Interlocked.Increment(ref _generation);
        }
        else if (message.StartsWith(TokensPrefix, StringComparison.Ordinal))
        {
            foreach (var tokenId in message[TokensPrefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                TokenEvicted?.Invoke(tokenId);
            }
        }
    }

    /// <summary>Sends what the node revoked, batched: a burst of revocations costs a few messages, not one each.</summary>
    private async Task SendAsync()
    {
        var batch = new List<string?>();
        while (await _outbox.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (_outbox.Reader.TryRead(out var tokenId))
            {
                batch.Add(tokenId);
            }

            var everything = Interlocked.Exchange(ref _overflowed, 0) == 1 || batch.Contains(null) || batch.Count > MaxTokensPerMessage;
            var message = everything ? Everything : TokensPrefix + string.Join(',', batch);
            try
            {
                await _channel.PublishAsync(message, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The other nodes' cache entries still expire within the revocation bound.
                LogPublishFailed(_logger, exception);
            }
        }
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "A credential revocation could not be announced to the other nodes; they stop accepting it within the revocation bound")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
