using System.Collections.Concurrent;

namespace Glint.Data.Notifications;

/// <summary>
/// Carries small text messages to every node of a deployment: to this process's subscribers on SQLite (one node), and
/// through PostgreSQL <c>LISTEN/NOTIFY</c> to every node's subscribers, this one's included, on PostgreSQL.
/// Delivery is best effort: a subscriber that must not miss a state reads the state itself.
/// </summary>
public interface INotificationChannel
{
    Task PublishAsync(string message, CancellationToken cancellationToken);

    /// <summary>Publishes several messages at once: one statement on PostgreSQL, shared with the other messages in flight.</summary>
    Task PublishAsync(IReadOnlyList<string> messages, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="onMessage"/> for every message until the subscription is disposed. It must not block.</summary>
    IDisposable Subscribe(Action<string> onMessage);
}

/// <summary>Fans messages out to the subscribers of this process; the base of every channel.</summary>
public class InProcessNotificationChannel : INotificationChannel
{
    private readonly ConcurrentDictionary<long, Action<string>> _subscribers = new();
    private long _next;

    public virtual Task PublishAsync(string message, CancellationToken cancellationToken)
    {
        Deliver(message);
        return Task.CompletedTask;
    }

    public virtual Task PublishAsync(IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            Deliver(message);
        }

        return Task.CompletedTask;
    }

    public IDisposable Subscribe(Action<string> onMessage)
    {
        var id = Interlocked.Increment(ref _next);
        _subscribers[id] = onMessage;
        return new Subscription(() => _subscribers.TryRemove(id, out _));
    }

    protected void Deliver(string message)
    {
        foreach (var subscriber in _subscribers.Values)
        {
            subscriber(message);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
