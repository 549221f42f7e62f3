namespace Glint.Api.Subscriptions;

/// <summary>
/// An event source for one subscription: <paramref name="start"/> wires the events to the observer and returns what
/// stops them. Completion or error stops the source; so does disposing the subscription.
/// </summary>
internal sealed class EventStream<T>(Func<EventStream<T>.Sink, IDisposable> start) : IObservable<T>
{
    public IDisposable Subscribe(IObserver<T> observer)
    {
        var sink = new Sink(observer);
        sink.Attach(start(sink));
        return sink;
    }

    /// <summary>Passes events on one at a time, and nothing after completion, an error or disposal.</summary>
    public sealed class Sink(IObserver<T> observer) : IDisposable
    {
        private readonly Lock _gate = new();
        private IDisposable? _source;
        private bool _stopped;

        public void Next(T value)
        {
            lock (_gate)
            {
                if (!_stopped)
                {
                    observer.OnNext(value);
                }
            }
        }

        /// <summary>Sends a last value, then completes.</summary>
        public void Last(T value)
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                observer.OnNext(value);
                observer.OnCompleted();
                _stopped = true;
            }

            Dispose();
        }

        public void Dispose()
        {
            IDisposable? source;
            lock (_gate)
            {
                _stopped = true;
                source = _source;
                _source = null;
            }

            source?.Dispose();
        }

        internal void Attach(IDisposable source)
        {
            bool stopped;
            lock (_gate)
            {
                stopped = _stopped;
                if (!stopped)
                {
                    _source = source;
                }
            }

            if (stopped)
            {
                source.Dispose();
            }
        }
    }
}
