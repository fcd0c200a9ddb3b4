using System.Globalization;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Events;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Messaging;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FluidManager.Grains.Tests;

/// <summary>
/// Parents and subtasks: progress, failure policies and cancel cascades. A subtask's change reaches its parent,
/// and a parent's cancel its subtasks, as messages applied in the receiver's own turn: tests wait for them.
/// </summary>
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
        var timeline = await ProgressAsync(company, parent.Id, 6, "two created, two started, two done");
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

        await ProgressAsync(company, parent.Id, e => SubtaskTo(e) == "failed", "the parent applying its subtask's failure");
        var after = await fixture.Task(parent.Id).GetAsync(company);
        after.Status.Should().Be(parentAfter);
        after.Subtasks.Failed.Should().Be(1);
        if (parentAfter != TaskState.Running)
        {
            after.StatusReason.Should().Be($"Subtask {child.Id} failed.");
        }

        await ProgressAsync(company, grandparent.Id, parentAfter == TaskState.Running ? 2 : 3, "the parent created, started, then moved by its failure policy (or not)");
        var grandparentProgress = (await fixture.Task(grandparent.Id).GetAsync(company)).Subtasks;
        grandparentProgress.Failed.Should().Be(parentAfter == TaskState.Failed ? 1 : 0, "a parent's own change reaches its parent as a message too");
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
        var settled = await Eventually.WaitAsync(() => fixture.Task(root.Id).GetAsync(company), t => t.Subtasks.Open == 0, Patience, "the cascade reaching the open subtask");
        settled.Subtasks.Should().Be(new SubtaskProgress(2, 0, 0, 0, 0, 0, 0, 1, 1));
        (await fixture.Task(open.Id).GetAsync(company)).Status.Should().Be(TaskState.Cancelled);
        var leaf = await Eventually.WaitAsync(() => fixture.Task(grandchild.Id).GetAsync(company), t => t.Status != TaskState.Running, Patience, "the cascade reaching the grandchild");
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

    [Fact]
    public async Task A_subtask_change_reaches_its_parent_as_a_message_applied_once_even_when_delivered_twice()
    {
        var (company, dev) = await CompanyWithDeveloperAsync();
        var parent = await fixture.CreateTaskAsync(company, "Launch");
        var child = await fixture.CreateTaskAsync(company, "Site", assignee: dev, parent: parent.Id);
        await ProgressAsync(company, parent.Id, 1, "the parent learning of its new subtask");

        DeliveredMessage message;
        await using (await HoldGrainAsync(parent.Id))
        {
            // The subtask's change commits while the parent's grain is busy: its turn does not lock the parent.
            await fixture.Task(child.Id).StartAsync(new TaskTransitionCommand(company)).WaitAsync(Patience);
            message = (await Eventually.WaitAsync(() => QueuedAsync(parent.Id), m => m.Count == 1, Patience, "the message to the parent")).Single();
            (await fixture.StreamAsync(company, Streams.Task(parent.Id))).Count(e => e.Type == EventTypes.TaskSubtaskProgress).Should().Be(1, "the parent has not applied it yet");
        }

        message.Type.Should().Be("FluidManager.Grains.Tasks.SubtaskChanged");
        var applied = await ProgressAsync(company, parent.Id, e => SubtaskTo(e) == "running", "the parent applying the subtask's start");

        // Delivered again, the way a delivery whose outcome was unknown is repeated: the row is gone, nothing happens.
        var target = fixture.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IMessageTarget>(GrainId.Create("task", Key(parent.Id)));
        await target.ReceiveAsync(message);
        await target.ReceiveAsync(message);

        var timeline = await fixture.StreamAsync(company, Streams.Task(parent.Id));
        timeline.Where(e => e.Type == EventTypes.TaskSubtaskProgress).Should().HaveCount(2, "one for the creation, one for the start")
            .And.ContainSingle(e => SubtaskTo(e) == "running").Which.Position.Should().Be(applied.Position);
        (await QueuedAsync(parent.Id)).Should().BeEmpty();
    }

    [Fact]
    public async Task Subtasks_finishing_while_their_parent_is_busy_are_announced_finished_once()
    {
        var (company, dev) = await CompanyWithDeveloperAsync();
        var parent = await fixture.CreateTaskAsync(company, "Launch");
        var first = await fixture.CreateTaskAsync(company, "Site", assignee: dev, parent: parent.Id);
        var second = await fixture.CreateTaskAsync(company, "Docs", assignee: dev, parent: parent.Id);
        await fixture.Task(first.Id).StartAsync(new TaskTransitionCommand(company));
        await fixture.Task(second.Id).StartAsync(new TaskTransitionCommand(company));
        await ProgressAsync(company, parent.Id, 4, "two created, two started");

        await using (await HoldGrainAsync(parent.Id))
        {
            // Both finish before the parent applies either change, so both messages find every subtask finished.
            await fixture.Task(first.Id).CompleteAsync(new CompleteTaskCommand(company, "ok")).WaitAsync(Patience);
            await fixture.Task(second.Id).CompleteAsync(new CompleteTaskCommand(company, "ok")).WaitAsync(Patience);
        }

        var timeline = await ProgressAsync(company, parent.Id, 6, "two created, two started, two done");
        timeline.Should().ContainSingle(e => e.Type == EventTypes.TaskSubtasksFinished);

        // A new subtask, once finished too, is announced again.
        var third = await fixture.CreateTaskAsync(company, "Press", assignee: dev, parent: parent.Id);
        await RunToDoneAsync(company, third.Id);
        timeline = await ProgressAsync(company, parent.Id, 9, "the third created, started and done");
        timeline.Count(e => e.Type == EventTypes.TaskSubtasksFinished).Should().Be(2);
    }

    [Fact]
    public async Task A_cascading_cancel_commits_while_a_subtask_is_busy_and_each_subtask_cancels_itself_once()
    {
        var (company, dev) = await CompanyWithDeveloperAsync();
        var root = await fixture.CreateTaskAsync(company, "Root");
        var busyChild = await fixture.CreateTaskAsync(company, "Busy", assignee: dev, parent: root.Id);
        var grandchild = await fixture.CreateTaskAsync(company, "Grandchild", parent: busyChild.Id);
        var idleChild = await fixture.CreateTaskAsync(company, "Idle", parent: root.Id);

        await using (await HoldGrainAsync(busyChild.Id))
        {
            // The parent's turn takes no lock on its subtasks: it commits while one of them is busy.
            var cancelled = await fixture.Task(root.Id).CancelAsync(new CancelTaskCommand(company, Cascade: true, Reason: "Mission dropped")).WaitAsync(Patience);
            cancelled.Status.Should().Be(TaskState.Cancelled);

            // The other subtask does not wait for the busy one.
            (await Eventually.WaitAsync(() => fixture.Task(idleChild.Id).GetAsync(company), t => t.Status == TaskState.Cancelled, Patience, "the idle subtask cancelled"))
                .StatusReason.Should().Be("Mission dropped");
            // Its grain is busy (its activation too, so the row is read directly): its message waits.
            (await fixture.ScalarAsync<string>("SELECT status FROM tasks WHERE id = @id", ("id", busyChild.Id))).Should().Be("queued");
        }

        foreach (var id in new[] { busyChild.Id, grandchild.Id })
        {
            var task = await Eventually.WaitAsync(() => fixture.Task(id).GetAsync(company), t => t.Status == TaskState.Cancelled, Patience, $"subtask {id} cancelled");
            task.StatusReason.Should().Be("Mission dropped");
        }

        (await fixture.Task(root.Id).GetAsync(company)).Subtasks.Should().Be(new SubtaskProgress(2, 0, 0, 0, 0, 0, 0, 0, 2));
        foreach (var id in new[] { busyChild.Id, grandchild.Id, idleChild.Id })
        {
            (await fixture.StreamAsync(company, Streams.Task(id))).Should().ContainSingle(e => e.Type == EventTypes.TaskCancelled, $"subtask {id} publishes its own cancel once");
            (await QueuedAsync(id)).Should().BeEmpty();
        }
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string? SubtaskTo(EventRecord record) =>
        record.Type == EventTypes.TaskSubtaskProgress ? GrainsFixture.Payload(record, "subtaskTo").GetString() : null;

    /// <summary>The parent's timeline once it shows <paramref name="count"/> progress events, and not more.</summary>
    private async Task<IReadOnlyList<EventRecord>> ProgressAsync(long company, long parentId, int count, string what)
    {
        var timeline = await Eventually.WaitAsync(() => fixture.StreamAsync(company, Streams.Task(parentId)),
            t => t.Count(e => e.Type == EventTypes.TaskSubtaskProgress) >= count, Patience, what);
        timeline.Count(e => e.Type == EventTypes.TaskSubtaskProgress).Should().Be(count, what);
        return timeline;
    }

    /// <summary>The parent's first progress event that <paramref name="match"/>es, once applied.</summary>
    private async Task<EventRecord> ProgressAsync(long company, long parentId, Func<EventRecord, bool> match, string what) =>
        (await Eventually.WaitAsync(() => fixture.StreamAsync(company, Streams.Task(parentId)), t => t.Any(match), Patience, what)).First(match);

    /// <summary>Makes a task's grain busy: a session holding its lock, as a long turn of it would, until disposed.</summary>
    private async Task<HeldLock> HoldGrainAsync(long taskId)
    {
        var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var held = new HeldLock(connection, new GrainKey("task", Key(taskId)).LockKey);
        await held.RunAsync("SELECT pg_advisory_lock(@key)");
        return held;
    }

    /// <summary>The messages queued for a task's grain, as the pump hands them over.</summary>
    private Task<List<DeliveredMessage>> QueuedAsync(long taskId) => fixture.ListAsync(
        "SELECT id, message_type, payload::text FROM runtime.messages WHERE grain_type = 'task' AND grain_key = @key ORDER BY id",
        r => new DeliveredMessage(r.GetInt64(0), r.GetString(1), r.GetString(2)),
        ("key", Key(taskId)));

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

/// <summary>A grain's lock held by a session of the test; released when disposed.</summary>
internal sealed class HeldLock(NpgsqlConnection connection, long key) : IAsyncDisposable
{
    public async Task RunAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("SELECT pg_advisory_unlock(@key)");
        await connection.DisposeAsync();
    }
}
