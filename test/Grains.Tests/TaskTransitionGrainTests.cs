using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Tasks;

namespace FluidManager.Grains.Tests;

/// <summary>The task grain enforces the one state machine: every (status, command) pair, through the grain.</summary>
public sealed class TaskTransitionGrainTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    public static IEnumerable<object[]> AllPairs() => TaskStateMachineTests.AllPairs();

    [Theory]
    [MemberData(nameof(AllPairs))]
    public async Task Every_command_on_a_task_in_every_status_obeys_the_state_machine(TaskState from, TaskAction action)
    {
        var company = await fixture.CreateCompanyAsync();
        var first = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        var second = await fixture.HireAsync(company, "Linus", "Developer", "Engineering");
        using var ceo = As.Ceo();
        var created = await fixture.CreateTaskAsync(company, assignee: first.Id);
        await fixture.ExecuteAsync(
            "UPDATE tasks SET status = @status, running_since = CASE WHEN @status = 'running' THEN now() END WHERE id = @id",
            ("status", from.ToDb()), ("id", created.Id));
        await fixture.ForgetWarmStateAsync("task", created.Id); // the row changed behind the grain's back
        var grain = fixture.Task(created.Id);
        var before = await grain.GetAsync(company);
        var eventsBefore = await fixture.StreamAsync(company, Streams.Task(created.Id));
        var expected = TaskStateMachineTests.Expected(from, action);

        var act = () => InvokeAsync(grain, company, action, before.Version, second.Id);

        if (expected is { } to)
        {
            await act();
            var after = await grain.GetAsync(company);
            after.Status.Should().Be(to);
            // The task's own events: a person's comment also asks the agent's memory for a lesson, whose outcome may
            // land on the task's stream too (memory.*), in a turn of its own.
            var events = (await fixture.StreamAsync(company, Streams.Task(created.Id))).Where(e => e.Type.StartsWith("task.", StringComparison.Ordinal)).ToList();
            events.Should().HaveCount(eventsBefore.Count + 1);
            events[^1].Type.Should().Be(TaskStateMachine.EventType(action));
            if (action != TaskAction.Comment)
            {
                after.Version.Should().Be(before.Version + 1, "every change of the task row bumps its version");
            }
        }
        else
        {
            var conflict = (await act.Should().ThrowAsync<ConflictException>()).Which;
            conflict.Code.Should().Be("task.illegal_transition");
            var after = await grain.GetAsync(company);
            after.Status.Should().Be(from);
            after.Version.Should().Be(before.Version);
            (await fixture.StreamAsync(company, Streams.Task(created.Id))).Should().HaveCount(eventsBefore.Count, "a refused command publishes nothing");
        }
    }

    private static Task InvokeAsync(ITaskGrain grain, long company, TaskAction action, long version, long otherAgent) => action switch
    {
        TaskAction.Start => grain.StartAsync(new TaskTransitionCommand(company, version)),
        TaskAction.Pause => grain.PauseAsync(new TaskTransitionCommand(company, version)),
        TaskAction.Resume => grain.ResumeAsync(new TaskTransitionCommand(company, version)),
        TaskAction.Block => grain.BlockAsync(new TaskTransitionCommand(company, version, "waiting for data")),
        TaskAction.Unblock => grain.UnblockAsync(new TaskTransitionCommand(company, version)),
        TaskAction.RequestApproval => grain.RequestApprovalAsync(new RequestApprovalCommand(company, "publication", "blog post", version)),
        TaskAction.Approve => grain.ApproveAsync(new TaskTransitionCommand(company, version)),
        TaskAction.Reject => grain.RejectAsync(new TaskTransitionCommand(company, version, "not now")),
        TaskAction.Complete => grain.CompleteAsync(new CompleteTaskCommand(company, "shipped", version)),
        TaskAction.Fail => grain.FailAsync(new TaskTransitionCommand(company, version, "broken")),
        TaskAction.Cancel => grain.CancelAsync(new CancelTaskCommand(company, ExpectedVersion: version)),
        TaskAction.Retry => grain.RetryAsync(new TaskTransitionCommand(company, version)),
        TaskAction.Assign => grain.AssignAsync(new AssignTaskCommand(company, otherAgent, version)),
        TaskAction.Edit => grain.ChangePriorityAsync(new ChangePriorityCommand(company, TaskPriority.Urgent, version)),
        TaskAction.Comment => grain.CommentAsync(new AddCommentCommand(company, "Looks good.")),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };
}
