using System.Threading.Channels;

namespace Glint.Data;

/// <summary>
/// What a group-commit writer (the token writer's) does between waking for a queued write and taking its group: it lets
/// the requests the node is already handling run first, so that the writes those requests are about to queue join this
/// commit rather than wait for the next.
/// <para>
/// A writer woke as soon as one write was queued, and under load the other requests were a few microseconds short of
/// queueing theirs: on two cores, opaque tokens on SQLite went to the disk about seven to a commit, and the commit's
/// sync and page writes were a quarter of the node's CPU. Each turn here puts the writer's continuation at the back of
/// the thread pool's queue, behind the work already waiting there (requests' next steps, sockets' reads), so a group
/// takes what the node was about to write. On an idle node the queue is empty and a turn costs microseconds; under load
/// the wait is bounded by <see cref="Turns"/> passes over the queue. No timer is involved: nothing waits for a time,
/// only for work already scheduled.
/// </para>
/// </summary>
public static class GroupCommit
{
    /// <summary>
    /// Turns a writer gives before it takes its group. Opaque tokens on SQLite (`bench/run.sh`, builds alternating,
    /// eight pairs): 215 to 341 µs of Glint's CPU a token with none, 188 to 312 µs with 4, each pair lower or even; 8
    /// turns 200 to 235 µs.
    /// </summary>
    public const int Turns = 4;

    /// <summary>
    /// Lets the requests already scheduled on the node run, up to <see cref="Turns"/> times, unless
    /// <paramref name="queue"/> already holds a full group of <paramref name="groupSize"/>. A queue that cannot count
    /// (a single reader's unbounded channel) gets all its turns: asking it for its count would throw.
    /// </summary>
    public static async ValueTask GatherAsync<T>(ChannelReader<T> queue, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(queue);
        for (var turn = 0; turn < Turns && !(queue.CanCount && queue.Count >= groupSize); turn++)
        {
            await Task.Yield();
        }
    }
}
