using System.Collections.Frozen;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Tasks;

/// <summary>
/// The one place where task status transitions are decided. Pure: no database, no clock, so tests
/// can check every (status, action) pair. Every pair missing from the table is illegal.
/// </summary>
public static class TaskStateMachine
{
    private static readonly FrozenDictionary<(TaskState From, TaskAction Action), TaskState> Table = Build();

    private static readonly FrozenDictionary<(TaskState Status, bool Assigned, bool AttemptsLeft), TaskAction[]> Allowed = BuildAllowed();

    /// <summary>Statuses from which nothing but comments is possible.</summary>
    public static bool IsFinal(TaskState status) => status is TaskState.Done or TaskState.Cancelled;

    public static bool TryApply(TaskState from, TaskAction action, out TaskState to) => Table.TryGetValue((from, action), out to);

    public static bool CanApply(TaskState from, TaskAction action) => Table.ContainsKey((from, action));

    /// <summary>
    /// The actions a task accepts now: those of the table, except start without an assignee and
    /// retry once every attempt is used (the grain refuses both with 409).
    /// </summary>
    public static IReadOnlyList<TaskAction> AllowedActions(TaskState status, bool assigned, bool attemptsLeft) =>
        Allowed[(status, assigned, attemptsLeft)];

    /// <summary>
    /// Whether a transition begins a new attempt (counted in the task's attempt count): the first start of a task
    /// that never ran, or the retry of a failed one (which queues the next attempt). Going back to running after an
    /// approval, an answered question, an unblock, a pause or a reassignment goes on with the same attempt.
    /// </summary>
    public static bool BeginsAttempt(TaskAction action, int attemptCount) =>
        action == TaskAction.Retry || (action == TaskAction.Start && attemptCount == 0);

    /// <summary>The status after <paramref name="action"/>, or a <see cref="ConflictException"/> (409) naming both.</summary>
    public static TaskState Apply(TaskState from, TaskAction action) => TryApply(from, action, out var to)
        ? to
        : throw new ConflictException(
            $"A task that is {from.ToDb()} cannot be {Verb(action)}: the transition {from.ToDb()} → {action.ToDb()} is not allowed.",
            "task.illegal_transition");

    /// <summary>The event published when <paramref name="action"/> succeeds.</summary>
    public static string EventType(TaskAction action) => action switch
    {
        TaskAction.Start => EventTypes.TaskStarted,
        TaskAction.Pause => EventTypes.TaskPaused,
        TaskAction.Resume => EventTypes.TaskResumed,
        TaskAction.Block => EventTypes.TaskBlocked,
        TaskAction.Unblock => EventTypes.TaskUnblocked,
        TaskAction.RequestApproval => EventTypes.TaskApprovalRequested,
        TaskAction.Approve => EventTypes.TaskApproved,
        TaskAction.Reject => EventTypes.TaskRejected,
        TaskAction.Complete => EventTypes.TaskCompleted,
        TaskAction.Fail => EventTypes.TaskFailed,
        TaskAction.Cancel => EventTypes.TaskCancelled,
        TaskAction.Retry => EventTypes.TaskRetried,
        TaskAction.Assign => EventTypes.TaskAssigned,
        TaskAction.Comment => EventTypes.TaskCommented,
        TaskAction.Edit => EventTypes.TaskPriorityChanged,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    private static string Verb(TaskAction action) => action switch
    {
        TaskAction.Start => "started",
        TaskAction.Pause => "paused",
        TaskAction.Resume => "resumed",
        TaskAction.Block => "blocked",
        TaskAction.Unblock => "unblocked",
        TaskAction.RequestApproval => "sent for approval",
        TaskAction.Approve => "approved",
        TaskAction.Reject => "rejected",
        TaskAction.Complete => "completed",
        TaskAction.Fail => "failed",
        TaskAction.Cancel => "cancelled",
        TaskAction.Retry => "retried",
        TaskAction.Assign => "assigned",
        TaskAction.Edit => "edited",
        TaskAction.Comment => "commented",
        _ => action.ToDb(),
    };

    private static FrozenDictionary<(TaskState, bool, bool), TaskAction[]> BuildAllowed()
    {
        var allowed = new Dictionary<(TaskState, bool, bool), TaskAction[]>();
        foreach (var status in Enum.GetValues<TaskState>())
        {
            foreach (var assigned in new[] { false, true })
            {
                foreach (var attemptsLeft in new[] { false, true })
                {
                    allowed[(status, assigned, attemptsLeft)] = Enum.GetValues<TaskAction>()
                        .Where(a => CanApply(status, a) && (a != TaskAction.Start || assigned) && (a != TaskAction.Retry || attemptsLeft))
                        .ToArray();
                }
            }
        }

        return allowed.ToFrozenDictionary();
    }

    private static FrozenDictionary<(TaskState, TaskAction), TaskState> Build()
    {
        const TaskState queued = TaskState.Queued, running = TaskState.Running, paused = TaskState.Paused, blocked = TaskState.Blocked,
            awaiting = TaskState.AwaitingApproval, failed = TaskState.Failed, done = TaskState.Done, cancelled = TaskState.Cancelled;
        var table = new Dictionary<(TaskState, TaskAction), TaskState>
        {
            [(queued, TaskAction.Start)] = running,
            [(queued, TaskAction.Pause)] = paused,
            [(running, TaskAction.Pause)] = paused,
            [(paused, TaskAction.Resume)] = queued,
            [(queued, TaskAction.Block)] = blocked,
            [(running, TaskAction.Block)] = blocked,
            [(blocked, TaskAction.Unblock)] = queued,
            [(running, TaskAction.RequestApproval)] = awaiting,
            [(awaiting, TaskAction.Approve)] = queued,
            [(awaiting, TaskAction.Reject)] = failed,
            [(running, TaskAction.Complete)] = done,
            [(failed, TaskAction.Retry)] = queued,

            // Reassigning a running task sends it back to the queue for its new assignee.
            [(queued, TaskAction.Assign)] = queued,
            [(running, TaskAction.Assign)] = queued,
            [(paused, TaskAction.Assign)] = paused,
            [(blocked, TaskAction.Assign)] = blocked,
            [(failed, TaskAction.Assign)] = failed,
        };

        foreach (var open in new[] { queued, running, paused, blocked, awaiting })
        {
            table[(open, TaskAction.Fail)] = failed;
        }

        foreach (var cancellable in new[] { queued, running, paused, blocked, awaiting, failed })
        {
            table[(cancellable, TaskAction.Cancel)] = cancelled;
            table[(cancellable, TaskAction.Edit)] = cancellable;
        }

        foreach (var any in Enum.GetValues<TaskState>())
        {
            table[(any, TaskAction.Comment)] = any;
        }

        return table.ToFrozenDictionary();
    }
}
