using System.Threading.Channels;
using Glint.Data;

namespace Glint.Server.Tests.Data;

/// <summary>
/// A group-commit writer lets the work already scheduled on the node run before it takes its group, so that the
/// requests about to queue a write join the commit; never for longer than its turns, and not at all once a group is
/// full. Run on a scheduler of the test's own that runs its tasks one at a time in order, so the interleaving is the
/// same on every run.
/// </summary>
public sealed class GroupCommitTests
{
    /// <summary>The kinds of queue a writer may have; a single reader's unbounded channel cannot count.</summary>
    public static TheoryData<string> Queues => ["bounded", "unbounded", "unbounded, single reader"];

    [Theory]
    [MemberData(nameof(Queues))]
    public void Writes_of_requests_already_scheduled_join_the_group(string kind)
    {
        var queue = Queue(kind);
        queue.Writer.TryWrite(0); // the write the writer woke for
        var scheduler = new InOrderScheduler();
        var tasks = new TaskFactory(scheduler);

        var gathering = tasks.StartNew(() => GroupCommit.GatherAsync(queue.Reader, groupSize: 128).AsTask()).Unwrap();
        for (var request = 1; request <= 3; request++)
        {
            var write = request;
            tasks.StartNew(() => queue.Writer.TryWrite(write)); // requests scheduled behind the writer
        }

        scheduler.RunUntilIdle();

        Assert.True(gathering.IsCompletedSuccessfully);
        Assert.Equal(4, Queued(queue));
    }

    [Theory]
    [MemberData(nameof(Queues))]
    public void A_node_that_keeps_writing_does_not_hold_the_group_back_beyond_its_turns(string kind)
    {
        var queue = Queue(kind);
        queue.Writer.TryWrite(0);
        var scheduler = new InOrderScheduler();
        var tasks = new TaskFactory(scheduler);

        var gathering = tasks.StartNew(() => GroupCommit.GatherAsync(queue.Reader, groupSize: 128).AsTask()).Unwrap();
        void Request() => tasks.StartNew(() =>
        {
            queue.Writer.TryWrite(1);
            Request(); // every request is followed by another
        });
        Request();

        for (var step = 0; step < 1_000 && !gathering.IsCompleted; step++)
        {
            scheduler.RunOne();
        }

        Assert.True(gathering.IsCompletedSuccessfully);
        Assert.InRange(Queued(queue), 2, 1 + GroupCommit.Turns + 1);
    }

    [Fact]
    public void A_full_group_is_taken_at_once()
    {
        var queue = Channel.CreateUnbounded<int>();
        for (var write = 0; write < 8; write++)
        {
            queue.Writer.TryWrite(write);
        }

        var gathering = GroupCommit.GatherAsync(queue.Reader, groupSize: 8).AsTask();

        Assert.True(gathering.IsCompletedSuccessfully);
    }

    private static Channel<int> Queue(string kind) => kind switch
    {
        "bounded" => Channel.CreateBounded<int>(new BoundedChannelOptions(4096) { SingleReader = true }),
        "unbounded" => Channel.CreateUnbounded<int>(),
        _ => Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true }),
    };

    /// <summary>What <paramref name="queue"/> holds, read out: not every channel can count.</summary>
    private static int Queued(Channel<int> queue)
    {
        var count = 0;
        while (queue.Reader.TryRead(out _))
        {
            count++;
        }

        return count;
    }

    /// <summary>Runs the tasks queued to it one at a time, in the order they were queued, on the test's thread.</summary>
    private sealed class InOrderScheduler : TaskScheduler
    {
        private readonly Queue<Task> _queued = new();

        public void RunUntilIdle()
        {
            while (RunOne())
            {
            }
        }

        public bool RunOne()
        {
            if (!_queued.TryDequeue(out var task))
            {
                return false;
            }

            TryExecuteTask(task);
            return true;
        }

        protected override void QueueTask(Task task) => _queued.Enqueue(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => _queued;
    }
}
