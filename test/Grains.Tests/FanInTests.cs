using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Tests;

/// <summary>Parents and subtasks: progress, failure policies and cancel cascades.</summary>
public sealed class FanInTests(GrainsFixture fixture) : IClassFixture<GrainsFixture>
{
    [Fact]
    public async Task A_parent_sees_its_subtasks_progress_and_learns_when_all_are_finished()
    {
        var (company, dev) = await CompanyWithDeveloperAsync();
        var parent = await fixture.CreateTaskAsync(company, "Launch");
        var first = await fixture.CreateTaskAsync(company, "Site", assignee: dev, parent: parent.Id);
        var second = await fixture.CreateTaskAsync(company, "Docs", assignee: dev, parent: parent.Id);

        await RunToDoneAsync(company, first.Id);
        var halfway = await fixture.Task(parent.Id).GetAsync(company);
        await RunToDoneAsync(company, second.Id);
        var finished = await fixture.Task(parent.Id).GetAsync(company);

        halfway.Subtasks.Should().Be(new SubtaskProgress(2, 1, 0, 0, 0, 0, 0, 1, 0));
        finished.Subtasks.Done.Should().Be(2);
        finished.Subtasks.AllFinished.Should().BeTrue();
        var timeline = await fixture.StreamAsync(company, Streams.Task(parent.Id));
        timeline.Count(e => e.Type == EventTypes.TaskSubtaskProgress).Should().Be(6, "two created, two started, two done");
        timeline.Should().ContainSingle(e => e.Type == EventTypes.TaskSubtasksFinished);
        (await fixture.Task(parent.Id).ListSubtasksAsync(company)).Select(t => t.Id).Should().Equal(first.Id, second.Id);
    }

    [Theory]
    [InlineData(SubtaskFailurePolicy.Fail, TaskState.Failed)]
    [InlineData(SubtaskFailurePolicy.Block, TaskState.Blocked)]
    [InlineData(SubtaskFailurePolicy.Ignore, TaskState.Running)]
    public async Task A_failed_subtask_fails_blocks_or_leaves_its_parent_as_the_parent_policy_says(SubtaskFailurePolicy policy, TaskState parentAfter)
    {
        var (company, dev) = await CompanyWithDeveloperAsync();
        var grandparent = await fixture.CreateTaskAsync(company, "Programme", failurePolicy: SubtaskFailurePolicy.Ignore);
        var parent = await fixture.CreateTaskAsync(company, "Launch", assignee: dev, parent: grandparent.Id, failurePolicy: policy);
        await fixture.Task(parent.Id).StartAsync(new TaskTransitionCommand(company));
        var child = await fixture.CreateTaskAsync(company, "Site", assignee: dev, parent: parent.Id);
        await fixture.Task(child.Id).StartAsync(new TaskTransitionCommand(company));

        await fixture.Task(child.Id).FailAsync(new TaskTransitionCommand(company, Reason: "build broke"));

        var after = await fixture.Task(parent.Id).GetAsync(company);
        after.Status.Should().Be(parentAfter);
        after.Subtasks.Failed.Should().Be(1);
        if (parentAfter != TaskState.Running)
        {
            after.StatusReason.Should().Be($"Subtask {child.Id} failed.");
        }

        var grandparentProgress = (await fixture.Task(grandparent.Id).GetAsync(company)).Subtasks;
        grandparentProgress.Failed.Should().Be(parentAfter == TaskState.Failed ? 1 : 0, "a parent's own change reaches its parent in the same turn");
    }

    [Fact]
    public async Task Cancel_with_cascade_cancels_open_subtasks_at_every_depth_but_not_finished_ones()
    {
        var (company, dev) = await CompanyWithDeveloperAsync();
        var root = await fixture.CreateTaskAsync(company, "Root");
        var open = await fixture.CreateTaskAsync(company, "Open", parent: root.Id);
        var grandchild = await fixture.CreateTaskAsync(company, "Grandchild", assignee: dev, parent: open.Id);
        await fixture.Task(grandchild.Id).StartAsync(new TaskTransitionCommand(company));
        var finished = await fixture.CreateTaskAsync(company, "Finished", assignee: dev, parent: root.Id);
        await RunToDoneAsync(company, finished.Id);

        var cancelled = await fixture.Task(root.Id).CancelAsync(new CancelTaskCommand(company, Cascade: true, Reason: "Mission dropped"));

        cancelled.Status.Should().Be(TaskState.Cancelled);
        cancelled.Subtasks.Should().Be(new SubtaskProgress(2, 0, 0, 0, 0, 0, 0, 1, 1));
        (await fixture.Task(open.Id).GetAsync(company)).Status.Should().Be(TaskState.Cancelled);
        var leaf = await fixture.Task(grandchild.Id).GetAsync(company);
        leaf.Status.Should().Be(TaskState.Cancelled);
        leaf.StatusReason.Should().Be("Mission dropped");
        (await fixture.Task(finished.Id).GetAsync(company)).Status.Should().Be(TaskState.Done);
    }

    [Fact]
    public async Task Cancel_without_cascade_leaves_subtasks_alone()
    {
        var (company, dev) = await CompanyWithDeveloperAsync();
        var root = await fixture.CreateTaskAsync(company, "Root");
        var child = await fixture.CreateTaskAsync(company, "Child", assignee: dev, parent: root.Id);

        await fixture.Task(root.Id).CancelAsync(new CancelTaskCommand(company));

        (await fixture.Task(child.Id).GetAsync(company)).Status.Should().Be(TaskState.Queued);
        var late = () => fixture.CreateTaskAsync(company, "Late", parent: root.Id);
        (await late.Should().ThrowAsync<Interfaces.Errors.ConflictException>()).Which.Code.Should().Be("task.parent_closed");
    }

    private async Task<(long Company, long Developer)> CompanyWithDeveloperAsync()
    {
        var company = await fixture.CreateCompanyAsync();
        var dev = await fixture.HireAsync(company, "Ada", "Developer", "Engineering");
        return (company, dev.Id);
    }

    private async Task RunToDoneAsync(long company, long taskId)
    {
        await fixture.Task(taskId).StartAsync(new TaskTransitionCommand(company));
        await fixture.Task(taskId).CompleteAsync(new CompleteTaskCommand(company, "ok"));
    }
}
