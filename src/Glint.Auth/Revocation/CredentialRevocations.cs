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
/// <para>
/// A client that was updated or deleted is announced by its id (<see cref="ClientChanged"/>), so that every node drops
/// its cached copy of that client and nothing else.
/// </para>
/// </summary>
public sealed partial class CredentialRevocations : IAsyncDisposable
{
    private const string Prefix = "glint-revoked:";
    private const string Everything = Prefix + "*";
    private const string TokensPrefix = Prefix + "tokens:";
    private const string ClientPrefix = Prefix + "client:";

    // PostgreSQL's NOTIFY payloads end at 8000 bytes; a client id longer than this is announced as "everything".
    private const int MaxClientIdInMessage = 2000;

    // More single-token revocations than this in one batch are sent as one "everything" message.
    private const int MaxTokensPerMessage = 50;

    private readonly INotificationChannel _channel;
    private readonly ILogger _logger;
    private readonly IDisposable _subscription;
    private readonly Channel<Notice> _outbox = Channel.CreateBounded<Notice>(
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

    /// <summary>Raised with the client id when a client changes or goes, on this node or another. It must not block.</summary>
    public event Action<string>? ClientEvicted;

    /// <summary>One token (by its entry id) was revoked or deleted.</summary>
    public void TokenRevoked(string tokenId)
    {
        TokenEvicted?.Invoke(tokenId);
        Send(new Notice(tokenId, null));
    }

    /// <summary>A client was updated (its secret too) or deleted: every node reads it again.</summary>
    public void ClientChanged(string clientId)
    {
        ClientEvicted?.Invoke(clientId);
        Send(new Notice(null, clientId));
    }

    /// <summary>Something wider than one token was revoked: every cached credential is checked again.</summary>
    public void Revoked()
    {
        Interlocked.Increment(ref _generation);
        Send(Notice.Everything);
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

    private void Send(Notice notice)
    {
        if (!_outbox.Writer.TryWrite(notice))
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
        else if (message.StartsWith(ClientPrefix, StringComparison.Ordinal))
        {
            ClientEvicted?.Invoke(message[ClientPrefix.Length..]);
        }
    }

    /// <summary>Sends what the node revoked, batched: a burst of revocations costs a few messages, not one each.</summary>
    private async Task SendAsync()
    {
        var tokens = new List<string>();
        var clients = new HashSet<string>(StringComparer.Ordinal);
        var messages = new List<string>();
        while (await _outbox.Reader.WaitToReadAsync())
        {
            tokens.Clear();
            clients.Clear();
            var everything = false;
            while (_outbox.Reader.TryRead(out var notice))
            {
                everything |= notice == Notice.Everything || notice.ClientId is { Length: > MaxClientIdInMessage };
                if (notice.TokenId is { } tokenId)
                {
                    tokens.Add(tokenId);
                }
                else if (notice.ClientId is { } clientId)
                {
                    clients.Add(clientId);
                }
            }

            everything |= Interlocked.Exchange(ref _overflowed, 0) == 1 || tokens.Count > MaxTokensPerMessage;
            messages.Clear();
            if (everything)
            {
                // "Everything" retires every cached token and client on the other nodes.
                messages.Add(Everything);
            }
            else
            {
                if (tokens.Count > 0)
                {
                    messages.Add(TokensPrefix + string.Join(',', tokens));
                }

                // One message a client: a client id may contain any character, commas included.
                messages.AddRange(clients.Select(clientId => ClientPrefix + clientId));
            }

            foreach (var message in messages)
            {
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
    }

    /// <summary>What the outbox carries: one token's id, one client's id, or neither (everything).</summary>
    private readonly record struct Notice(string? TokenId, string? ClientId)
    {
        public static Notice Everything => default;
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "A credential revocation could not be announced to the other nodes; they stop accepting it within the revocation bound")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
