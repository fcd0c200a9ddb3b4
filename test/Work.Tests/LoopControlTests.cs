using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;

namespace FluidManager.Work.Tests;

/// <summary>Pause, resume, cancel and scheduling while a model call is in flight (each offline answer takes 400 ms).</summary>
public sealed class LoopControlTests(SlowWorkFixture fixture) : IClassFixture<SlowWorkFixture>
{
    private static readonly TaskState[] Finished = [TaskState.Done, TaskState.Failed, TaskState.Cancelled];

    [Fact]
    public async Task Pause_stops_the_loop_at_the_next_step_and_resume_continues_it_to_done_without_repeating_a_step()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Technical Writer", "Engineering");
        var task = await fixture.MissionAsync(company, agent.Id, "Write the onboarding guide");
        var calling = await WaitForRunAsync(company, task.Id, r => r is { Status: TaskRunStatus.Calling, Step: 2 }, "the second model call in flight");

        using (CallerContext.As("human:1"))
        {
            await fixture.Task(task.Id).PauseAsync(new TaskTransitionCommand(company, Reason: "Hold on."));
        }

        // The call in flight ends and is recorded, but its tool calls wait and no further call starts.
        var parked = await WaitForRunAsync(company, task.Id, r => r is { Status: TaskRunStatus.Waiting, ActivityId: null }, "the answer to arrive");
        parked.Step.Should().Be(calling.Step);
        parked.WaitingFor.Should().Be("paused");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE task_id = @t", ("t", task.Id))).Should().Be(2);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM tool_calls WHERE task_id = @t AND step = 2", ("t", task.Id))).Should().Be(0);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.activities WHERE grain_key = @k AND status IN ('pending', 'running')", ("k", task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Should().Be(0);
        (await fixture.Task(task.Id).GetAsync(company)).Status.Should().Be(TaskState.Paused);

        using (CallerContext.As("human:1"))
        {
            await fixture.Task(task.Id).ResumeAsync(new TaskTransitionCommand(company));
        }

        var done = await fixture.WaitForAsync(company, task.Id, Finished);
        done.Status.Should().Be(TaskState.Done, done.StatusReason);
        var steps = await fixture.ListAsync("SELECT step FROM llm_calls WHERE task_id = @t ORDER BY id", r => r.GetInt32(0), ("t", task.Id));
        steps.Should().Equal(Enumerable.Range(1, steps.Count), "no step is repeated after the pause");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM tool_calls WHERE task_id = @t AND step = 2", ("t", task.Id))).Should().Be(1, "the paused step's tool call ran once, after the resume");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM worklog WHERE task_id = @t", ("t", task.Id))).Should().Be(1);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE task_id = @t", ("t", task.Id))).Should().Be(1);
    }

    [Fact]
    public async Task Cancel_stops_the_call_in_flight_releases_its_reservation_and_ends_the_loop()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Technical Writer", "Engineering");
        var task = await fixture.MissionAsync(company, agent.Id, "Write the onboarding guide");
        var calling = await WaitForRunAsync(company, task.Id, r => r is { Status: TaskRunStatus.Calling, Step: > 0 }, "a model call in flight (step 0 is the briefing's memory search)");
        var activityId = calling.ActivityId!.Value;
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE activity_id = @a", ("a", activityId))).Should().Be(1);

        using (CallerContext.As("human:1"))
        {
            await fixture.Task(task.Id).CancelAsync(new CancelTaskCommand(company, Reason: "Not needed any more."));
        }

        var stopped = await WaitForRunAsync(company, task.Id, r => r is { Status: TaskRunStatus.Stopped }, "the loop to stop");
        stopped.StopReason.Should().Contain("Not needed any more.");
        stopped.ActivityId.Should().BeNull();
        var activity = await fixture.ScalarAsync<string>("SELECT status FROM runtime.activities WHERE id = @a", ("a", activityId));
        if (activity == "cancelled")
        {
            // The worker sees the cancellation at its next heartbeat and reports nothing; the reservation went with it.
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE task_id = @t", ("t", task.Id))).Should().Be(0);
            await Eventually.WaitAsync(
                () => fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.activities WHERE id = @a AND lease_owner IS NOT NULL", ("a", activityId)),
                n => n == 0, TimeSpan.FromSeconds(5), "the worker to let go");
        }
        else
        {
            // The answer beat the cancellation: it is settled as spend, and nothing more runs.
            await Eventually.WaitAsync(
                () => fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE task_id = @t", ("t", task.Id)),
                n => n == 0, TimeSpan.FromSeconds(5), "the reservation to be settled");
        }

        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.activities WHERE grain_key = @k AND status IN ('pending', 'running')", ("k", task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Should().Be(0);
        (await fixture.Task(task.Id).GetAsync(company)).Status.Should().Be(TaskState.Cancelled);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM tool_calls WHERE task_id = @t AND step = @s", ("t", task.Id), ("s", calling.Step))).Should().Be(0);
    }

    [Fact]
    public async Task A_scheduled_task_waits_for_its_time_then_runs()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Technical Writer", "Engineering");
        TaskDto task;
        using (CallerContext.As("human:1"))
        {
            task = await fixture.Company(company).CreateTaskAsync(new Grains.Interfaces.Companies.CreateTaskCommand
            {
                CompanyId = company,
                Title = "Write the release notes",
                AssigneeAgentId = agent.Id,
                ScheduledAt = DateTimeOffset.UtcNow.AddSeconds(10), // long enough for a loaded machine to see the wait
            });
        }

        var waiting = await WaitForRunAsync(company, task.Id, r => r is { Status: TaskRunStatus.Waiting }, "the run to wait for its time");
        waiting.WaitingFor.Should().Be("schedule");
        (await fixture.Task(task.Id).GetAsync(company)).Status.Should().Be(TaskState.Queued);

        var done = await fixture.WaitForAsync(company, task.Id, Finished, timeout: TimeSpan.FromSeconds(60));
        done.Status.Should().Be(TaskState.Done, done.StatusReason);
        done.StartedAt.Should().BeOnOrAfter(task.ScheduledAt!.Value);
    }

    [Fact]
    public async Task An_unanswered_approval_expires_and_the_task_fails_with_the_reason()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Copywriter", "Marketing");
        var task = await fixture.MissionAsync(company, agent.Id, "Publish the spring newsletter");
        await fixture.WaitForAsync(company, task.Id, [TaskState.AwaitingApproval]);
        var approval = (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company))).Should().ContainSingle().Subject;
        approval.ExpiresAt.Should().BeCloseTo(approval.RequestedAt.AddSeconds(2), TimeSpan.FromMilliseconds(50));

        var failed = await fixture.WaitForAsync(company, task.Id, Finished, timeout: TimeSpan.FromSeconds(20));
        failed.Status.Should().Be(TaskState.Failed);
        failed.StatusReason.Should().Contain("expired unanswered");
        var expired = await fixture.Grains.GetGrain<IApprovalGrain>(approval.Id).GetAsync(company);
        expired.Status.Should().Be(ApprovalStatus.Expired);
        expired.DecidedBy.Should().Be("system");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'approval.expired'", ("s", $"company:{company}"))).Should().Be(1);
    }

    [Fact]
    public async Task Work_given_to_a_paused_agent_waits_and_starts_as_soon_as_the_agent_is_active_again()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Technical Writer", "Engineering");
        var agents = fixture.Grains.GetGrain<IAgentGrain>(agent.Id);
        await agents.SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Paused));
        var first = await fixture.MissionAsync(company, agent.Id, "Write the onboarding guide");
        var second = await fixture.MissionAsync(company, agent.Id, "Write the release notes");

        var parked = await WaitForRunAsync(company, first.Id, r => r is { Status: TaskRunStatus.Waiting }, "the run to wait for the agent");
        parked.WaitingFor.Should().Be("agent_inactive");
        (await fixture.Task(first.Id).GetAsync(company)).Status.Should().Be(TaskState.Queued);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE agent_id = @a", ("a", agent.Id))).Should().Be(0);

        // Well before the runners' own periodic check (a minute), both tasks are under way: one after the other, since the
        // agent runs one task at a time by default (the second starts as the first frees its slot).
        await agents.SetStatusAsync(new SetAgentStatusCommand(company, AgentStatus.Active));
        foreach (var task in new[] { first, second })
        {
            await Eventually.WaitAsync(() => fixture.Task(task.Id).GetAsync(company), t => t.Status != TaskState.Queued, TimeSpan.FromSeconds(15), $"task {task.Id} to start");
        }

        (await fixture.WaitForAsync(company, second.Id, Finished)).Status.Should().Be(TaskState.Done);
    }

    private Task<TaskRunDto> WaitForRunAsync(long company, long taskId, Func<TaskRunDto?, bool> done, string what) =>
        Eventually.WaitAsync(async () => (await fixture.Runner(taskId).GetRunAsync(company))!, r => done(r), TimeSpan.FromSeconds(20), what);
}
