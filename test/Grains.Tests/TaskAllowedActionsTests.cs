using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Tasks;

namespace FluidManager.Grains.Tests;

/// <summary>The allowed actions a task carries (what a client may offer) agree with the transition table.</summary>
public sealed class TaskAllowedActionsTests
{
    [Theory]
    [MemberData(nameof(Statuses))]
    public void Allowed_actions_are_the_legal_transitions_of_the_status(TaskState status)
    {
        var expected = Enum.GetValues<TaskAction>().Where(a => TaskStateMachineTests.Expected(status, a) is not null);
        TaskStateMachine.AllowedActions(status, assigned: true, attemptsLeft: true).Should().BeEquivalentTo(expected);
    }

    [Fact]
    public void Start_needs_an_assignee_and_retry_needs_an_attempt_left()
    {
        TaskStateMachine.AllowedActions(TaskState.Queued, assigned: false, attemptsLeft: true).Should().NotContain(TaskAction.Start).And.Contain(TaskAction.Assign);
        TaskStateMachine.AllowedActions(TaskState.Failed, assigned: true, attemptsLeft: false).Should().NotContain(TaskAction.Retry).And.Contain(TaskAction.Cancel);
        TaskStateMachine.AllowedActions(TaskState.Done, assigned: true, attemptsLeft: true).Should().Equal(TaskAction.Comment);
    }

    public static IEnumerable<object[]> Statuses() => Enum.GetValues<TaskState>().Select(s => new object[] { s });
}
