using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Tasks;

namespace FluidManager.Grains.Tests;

/// <summary>The transition table, written out independently of the implementation, checked pair by pair.</summary>
public sealed class TaskStateMachineTests
{
    /// <summary>Every legal (status, action) → status; any pair not listed must be refused.</summary>
    public static readonly IReadOnlyDictionary<TaskState, string> Legal = new Dictionary<TaskState, string>
    {
        [TaskState.Queued] = "start:running pause:paused block:blocked fail:failed cancel:cancelled assign:queued edit:queued comment:queued",
        [TaskState.Running] = "pause:paused block:blocked request_approval:awaiting_approval complete:done fail:failed cancel:cancelled assign:queued edit:running comment:running",
        [TaskState.Paused] = "resume:queued fail:failed cancel:cancelled assign:paused edit:paused comment:paused",
        [TaskState.Blocked] = "unblock:queued fail:failed cancel:cancelled assign:blocked edit:blocked comment:blocked",
        [TaskState.AwaitingApproval] = "approve:queued reject:failed fail:failed cancel:cancelled edit:awaiting_approval comment:awaiting_approval",
        [TaskState.Failed] = "retry:queued cancel:cancelled assign:failed edit:failed comment:failed",
        [TaskState.Done] = "comment:done",
        [TaskState.Cancelled] = "comment:cancelled",
    };

    public static IEnumerable<object[]> AllPairs() =>
        from status in Enum.GetValues<TaskState>()
        from action in Enum.GetValues<TaskAction>()
        select new object[] { status, action };

    public static TaskState? Expected(TaskState from, TaskAction action)
    {
        var name = Data.DbEnum.ToDb(action);
        foreach (var entry in Legal[from].Split(' '))
        {
            var parts = entry.Split(':');
            if (parts[0] == name)
            {
                return Data.DbEnum.Parse<TaskState>(parts[1]);
            }
        }

        return null;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_status_and_action_pair_follows_the_table(TaskState from, TaskAction action)
    {
        var expected = Expected(from, action);

        var act = () => TaskStateMachine.Apply(from, action);

        if (expected is { } to)
        {
            act().Should().Be(to);
        }
        else
        {
            var conflict = act.Should().Throw<ConflictException>().Which;
            conflict.Code.Should().Be("task.illegal_transition");
            conflict.Message.Should().Contain(Data.DbEnum.ToDb(from)).And.Contain(Data.DbEnum.ToDb(action));
        }
    }

    [Fact]
    public void The_table_covers_every_status_and_only_known_actions()
    {
        Legal.Keys.Should().BeEquivalentTo(Enum.GetValues<TaskState>());
        var actions = Enum.GetValues<TaskAction>().Select(a => Data.DbEnum.ToDb(a)).ToHashSet();
        Legal.Values.SelectMany(v => v.Split(' ')).Select(e => e.Split(':')[0]).Should().OnlyContain(a => actions.Contains(a));
    }

    [Fact]
    public void Done_and_cancelled_are_final_and_accept_only_comments()
    {
        foreach (var final in new[] { TaskState.Done, TaskState.Cancelled })
        {
            TaskStateMachine.IsFinal(final).Should().BeTrue();
            Enum.GetValues<TaskAction>().Where(a => TaskStateMachine.CanApply(final, a)).Should().Equal(TaskAction.Comment);
        }
    }

    [Fact]
    public void Every_action_has_an_event_type()
    {
        foreach (var action in Enum.GetValues<TaskAction>())
        {
            TaskStateMachine.EventType(action).Should().StartWith("task.");
        }
    }

    [Fact]
    public void Only_the_first_start_and_a_retry_begin_an_attempt()
    {
        foreach (var from in Enum.GetValues<TaskState>())
        {
            foreach (var action in Enum.GetValues<TaskAction>())
            {
                if (!TaskStateMachine.CanApply(from, action))
                {
                    continue;
                }

                TaskStateMachine.BeginsAttempt(action, attemptCount: 0).Should().Be(action is TaskAction.Start or TaskAction.Retry, $"{from} → {action} of a task that never ran");
                TaskStateMachine.BeginsAttempt(action, attemptCount: 1).Should().Be(action == TaskAction.Retry, $"{from} → {action} of a task on its first attempt");
            }
        }
    }
}
