namespace Glint.Callbacks.Delivery;

/// <summary>
/// What <see cref="CallbackDispatcherService"/> waits for before its first pass. That pass's query is the first to
/// build EF Core's services, model and query pipeline, and the host starts it before it listens: it ran beside the
/// node getting ready, on the same cores (start to ready on SQLite, medians of nine starts of a published build: 1,117
/// and 1,260 ms with it, 780 and 868 ms without). The server opens the gate once its warm-up after the first ready
/// answer has run; without a gate the first pass runs at once. Deliveries queued meanwhile wait for it, as they would
/// for a poll interval.
/// </summary>
public sealed class FirstPassGate(Func<CancellationToken, Task> opened)
{
    public Task WaitAsync(CancellationToken cancellationToken) => opened(cancellationToken);
}
