using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;

namespace FluidManager.Work.Tests;

/// <summary>
/// An agent's queue: tasks start by priority then age, at most the agent's concurrency limit at once, and an
/// attempt that outlasts the agent's attempt timeout fails. The agent is paused while its queue fills, so
/// every task waits until the test lets them go at once.
/// </summary>
public sealed class SchedulingTests(WorkFixture fixture) : IClassFixture<WorkFixture>
{
    private static readonly TaskState[] Finished = [TaskState.Done, TaskState.Failed, TaskState.Cancelled];

    [Fact]
    public async Task An_urgent_task_overtakes_fifty_queued_normal_ones_and_a_reprioritised_task_moves_up()
    {
        var company = await fixture.CreateCompanyAsync();
        fixture.AddScenario("quick-" + company, """
            { "turns": [ { "agent": "Quinn", "repeat": true, "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Done." } } ] } ] }
            """);
        var agent = await fixture.HireAsync(company, "Quinn", "Analyst", "Operations", model: "scripted:quick-" + company);
        await SetStatusAsync(company, agent.Id, AgentStatus.Paused);

        var normal = new List<TaskDto>();
        for (var i = 1; i <= 50; i++)
        {
            normal.Add(await fixture.MissionAsync(company, agent.Id, $"Routine report {i}"));
        }

        // The 30th becomes high priority while queued; then an urgent one arrives last.
        using (CallerContext.As("human:1"))
        {
            (await fixture.Task(normal[29].Id).ChangePriorityAsync(new ChangePriorityCommand(company, TaskPriority.High))).Priority.Should().Be(TaskPriority.High);
        }

        TaskDto urgent;
        using (CallerContext.As("human:1"))
        {
            urgent = await fixture.Company(company).CreateTaskAsync(new CreateTaskCommand
            {
                CompanyId = company,
                Title = "Server is down",
                AssigneeAgentId = agent.Id,
                Priority = TaskPriority.Urgent,
            });
        }

        var capabilities = await fixture.Grains.GetGrain<IAgentGrain>(agent.Id).GetCapabilitiesAsync(company);
        capabilities.Load.Queued.Should().Be(51);
        capabilities.Load.Running.Should().Be(0);
        capabilities.Limits.MaxConcurrentTasks.Should().Be(1, "one task at a time is the default");

        await SetStatusAsync(company, agent.Id, AgentStatus.Active);
        foreach (var task in normal.Append(urgent))
        {
            (await fixture.WaitForAsync(company, task.Id, Finished, timeout: TimeSpan.FromMinutes(3))).Status.Should().Be(TaskState.Done);
        }

        var started = await fixture.ListAsync(
            "SELECT id FROM tasks WHERE company_id = @c ORDER BY started_at, id", r => r.GetInt64(0), ("c", company));
        long[] expected = [urgent.Id, normal[29].Id, .. normal.Where((_, i) => i != 29).Select(t => t.Id)];
        started.Should().Equal(expected, "the urgent task starts first, then the reprioritised one, then the rest oldest first");
    }

    [Fact]
    public async Task A_concurrency_limit_of_two_runs_two_tasks_at_once_and_never_three()
    {
        var company = await fixture.CreateCompanyAsync();
        fixture.AddScenario("slow-" + company, """
            { "turns": [ { "agent": "Rita", "repeat": true, "delayMs": 1500, "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Done." } } ] } ] }
            """);
        var agent = await fixture.HireAsync(company, "Rita", "Analyst", "Operations", model: "scripted:slow-" + company,
            limits: new AgentLimits { MaxConcurrentTasks = 2 });
        agent.Profile.Limits.MaxConcurrentTasks.Should().Be(2);
        await SetStatusAsync(company, agent.Id, AgentStatus.Paused);
        var tasks = new List<TaskDto>();
        for (var i = 1; i <= 6; i++)
        {
            tasks.Add(await fixture.MissionAsync(company, agent.Id, $"Audit {i}"));
        }

        using var stop = new CancellationTokenSource();
        var sampler = SampleRunningAsync(company, agent.Id, stop.Token);
        await SetStatusAsync(company, agent.Id, AgentStatus.Active);
        foreach (var task in tasks)
        {
            (await fixture.WaitForAsync(company, task.Id, Finished, timeout: TimeSpan.FromMinutes(2))).Status.Should().Be(TaskState.Done);
        }

        await stop.CancelAsync();
        var sampled = await sampler;
        sampled.Should().Be(2, "two tasks ran at once at some moment, and never more");

        // The recorded intervals agree: at no instant were three tasks between their start and their end.
        var intervals = await fixture.ListAsync(
            "SELECT started_at, finished_at FROM tasks WHERE company_id = @c",
            r => (Start: r.GetFieldValue<DateTimeOffset>(0), End: r.GetFieldValue<DateTimeOffset>(1)), ("c", company));
        intervals.Max(i => intervals.Count(o => o.Start <= i.Start && i.Start < o.End)).Should().Be(2);
    }

    [Fact]
    public async Task An_attempt_that_outlasts_the_agent_attempt_timeout_fails_with_the_reason()
    {
        var company = await fixture.CreateCompanyAsync();
        fixture.AddScenario("hang-" + company, """
            { "turns": [ { "agent": "Tim", "repeat": true, "delayMs": 120000, "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Done." } } ] } ] }
            """);
        var agent = await fixture.HireAsync(company, "Tim", "Analyst", "Operations", model: "scripted:hang-" + company,
            limits: new AgentLimits { AttemptTimeoutSeconds = 2 });
        var task = await fixture.MissionAsync(company, agent.Id, "Count the stars");

        var failed = await fixture.WaitForAsync(company, task.Id, Finished, timeout: TimeSpan.FromSeconds(90));
        failed.Status.Should().Be(TaskState.Failed);
        failed.StatusReason.Should().Contain("Attempt 1 timed out").And.Contain("attempt timeout of 2 s");
        (failed.FinishedAt!.Value - failed.StartedAt!.Value).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));
        var run = await fixture.Runner(task.Id).GetRunAsync(company);
        run!.Status.Should().Be(TaskRunStatus.Stopped);
        run.ActivityId.Should().BeNull("the model call in flight was let go of");

        // The usual retry rule applies: the CEO may run it again while attempts are left.
        (await fixture.Task(task.Id).GetAsync(company)).AllowedActions.Should().Contain(TaskAction.Retry);
    }

    private async Task SetStatusAsync(long company, long agentId, AgentStatus status)
    {
        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IAgentGrain>(agentId).SetStatusAsync(new SetAgentStatusCommand(company, status));
        }
    }

    /// <summary>The most tasks of the agent seen running at once, polled every 25 ms until cancelled.</summary>
    private async Task<long> SampleRunningAsync(long company, long agentId, CancellationToken cancel)
    {
        long max = 0;
        while (!cancel.IsCancellationRequested)
        {
            var running = await fixture.ScalarAsync<long>(
                "SELECT count(*) FROM tasks WHERE company_id = @c AND assignee_agent_id = @a AND status = 'running'", ("c", company), ("a", agentId));
            max = Math.Max(max, running);
            try
            {
                await Task.Delay(25, cancel);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return max;
    }
}
