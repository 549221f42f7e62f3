namespace Glint.Data.Notifications;

/// <summary>
/// A channel the database itself carries (PostgreSQL <c>LISTEN/NOTIFY</c>). A writer that sends a batch anyway can
/// publish in it, after its own COMMIT, instead of waiting for a round trip of the channel's: a message then reaches
/// the subscribers exactly as one given to <see cref="INotificationChannel.PublishAsync(IReadOnlyList{string}, CancellationToken)"/>.
/// </summary>
public interface IDatabaseNotificationChannel : INotificationChannel
{
    /// <summary>
    /// The statement that publishes <paramref name="count"/> messages, bound as text parameters named
    /// <paramref name="parameterPrefix"/>0, 1…; it must run outside a transaction that writes data (see
    /// the channel), where it is its own transaction, committed without waiting for the disk.
    /// </summary>
    string PublishStatement(int count, string parameterPrefix);
}
