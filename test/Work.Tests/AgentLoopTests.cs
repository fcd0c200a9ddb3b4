using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Work;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Telemetry;
using FluidManager.TestSupport;

namespace FluidManager.Work.Tests;

public sealed class AgentLoopTests(WorkFixture fixture) : IClassFixture<WorkFixture>
{
    private static readonly TaskState[] Finished = [TaskState.Done, TaskState.Failed, TaskState.Cancelled];

    [Fact]
    public async Task Launch_the_new_website_flows_down_two_levels_hits_an_approval_and_ends_done_with_every_step_traced_and_costs_summed()
    {
        var demo = await fixture.DemoCompanyAsync();
        var company = demo.CompanyId;
        var mission = await fixture.MissionAsync(company, demo.Cto, "Launch the new website",
            "The new website goes live this month: pages, hosting and the launch announcement.");

        var done = await fixture.WaitForAsync(company, mission.Id, Finished, approve: true, timeout: TimeSpan.FromSeconds(90));
        done.Status.Should().Be(TaskState.Done, done.StatusReason);

        // Decomposed and delegated down two levels: CTO → Engineering Manager → Developers.
        var tasks = await fixture.ListAsync(
            "SELECT id, parent_task_id, assignee_agent_id, status FROM tasks WHERE company_id = @c ORDER BY id",
            r => (Id: r.GetInt64(0), Parent: r.IsDBNull(1) ? (long?)null : r.GetInt64(1), Assignee: r.GetInt64(2), Status: r.GetString(3)),
            ("c", company));
        var levelOne = tasks.Where(t => t.Parent == mission.Id).ToList();
        var levelTwo = tasks.Where(t => levelOne.Any(l => l.Id == t.Parent)).ToList();
        levelOne.Should().NotBeEmpty().And.OnlyContain(t => t.Assignee == demo.Manager);
        levelTwo.Should().NotBeEmpty().And.OnlyContain(t => t.Assignee == demo.Frontend || t.Assignee == demo.Backend);
        tasks.Should().OnlyContain(t => t.Status == "done");

        // Worklog from every agent, artifacts from the developers, at least one approval decided by the CEO.
        (await fixture.ScalarAsync<long>("SELECT count(DISTINCT agent_id) FROM worklog WHERE company_id = @c", ("c", company))).Should().Be(4);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE company_id = @c AND task_id IS NOT NULL", ("c", company))).Should().BeGreaterThan(0);
        var approvals = await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company, Status: null));
        approvals.Should().NotBeEmpty().And.OnlyContain(a => a.Status == ApprovalStatus.Approved && a.DecidedBy == "human:1" && a.Kind == ApprovalKind.Publication);

        // Every step in the trace: one llm_call per scheduled step, one tool_call row per tool call asked for, each with its event.
        var steps = await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE company_id = @c AND type = 'task.step_started'", ("c", company));
        var llmCalls = await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE company_id = @c", ("c", company));
        llmCalls.Should().Be(steps).And.BeGreaterThan(8);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE company_id = @c AND NOT succeeded", ("c", company))).Should().Be(0);
        var askedTools = await fixture.ScalarAsync<long>("SELECT sum(tool_calls) FROM llm_calls WHERE company_id = @c", ("c", company));
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM tool_calls WHERE company_id = @c", ("c", company))).Should().Be(askedTools);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE company_id = @c AND type = 'llm.call'", ("c", company))).Should().Be(llmCalls);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE company_id = @c AND type = 'tool.call'", ("c", company))).Should().Be(askedTools);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM (SELECT task_id, attempt, step FROM llm_calls WHERE company_id = @c GROUP BY 1, 2, 3 HAVING count(*) > 1) d", ("c", company))).Should().Be(0);
        var tools = await fixture.ListAsync("SELECT DISTINCT tool FROM tool_calls WHERE company_id = @c", r => r.GetString(0), ("c", company));
        tools.Should().Contain(["write_worklog", "delegate_task", "create_artifact", "request_approval", "complete_task"]);

        // Costs: each call priced from its tokens; per task, the task's counters equal the sum of its calls and the view's roll-up.
        // The tasks add their calls' usage up in their own turns, from the messages the calls' turns post.
        await fixture.WaitForTaskMessagesAsync(company);
        var mismatched = await fixture.ScalarAsync<long>("""
            SELECT count(*) FROM llm_calls
            WHERE company_id = @c AND cost <> round((input_tokens * @in + output_tokens * @out) / 1000000.0, 6)
            """, ("c", company), ("in", WorkFixture.InputPerMillion), ("out", WorkFixture.OutputPerMillion));
        mismatched.Should().Be(0);
        var perTask = await fixture.ListAsync("""
            SELECT t.id, t.tokens_used, t.cost_estimate, COALESCE(v.input_tokens + v.output_tokens, 0), COALESCE(v.cost, 0)
            FROM tasks t LEFT JOIN spend_by_task v ON v.task_id = t.id WHERE t.company_id = @c
            """, r => (Id: r.GetInt64(0), Tokens: r.GetInt64(1), Cost: r.GetDecimal(2), ViewTokens: r.GetInt64(3), ViewCost: r.GetDecimal(4)), ("c", company));
        perTask.Should().OnlyContain(t => t.Tokens == t.ViewTokens && t.Cost == t.ViewCost && t.Tokens > 0);
        var total = await fixture.ScalarAsync<decimal>("SELECT sum(cost) FROM llm_calls WHERE company_id = @c", ("c", company));
        total.Should().BeGreaterThan(0);
        var byAgent = await fixture.Work(company).GetCostsAsync(new CostQuery(company, CostGroupBy.Agent));
        byAgent.Total.Cost.Should().Be(total);
        byAgent.Rows.Should().HaveCount(4);
        var byProject = await fixture.Work(company).GetCostsAsync(new CostQuery(company, CostGroupBy.Project));
        byProject.Rows.Should().ContainSingle().Which.Cost.Should().Be(total);
        var subtree = await fixture.Work(company).GetAgentSpendAsync(new AgentSpendQuery(company, demo.Cto, Subtree: true));
        subtree.Total.Cost.Should().Be(total, "the CTO's subtree is the whole company here");
        subtree.Agents.Select(a => a.Key).Should().Equal(new[] { demo.Cto, demo.Manager, demo.Frontend, demo.Backend }.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var managerOnly = await fixture.Work(company).GetAgentSpendAsync(new AgentSpendQuery(company, demo.Manager, Subtree: false));
        managerOnly.Agents.Should().ContainSingle();
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE company_id = @c", ("c", company))).Should().Be(0);

        // The runs are stopped with the task, and the trace is readable through the runner.
        var run = await fixture.Runner(mission.Id).GetRunAsync(company);
        run!.Status.Should().Be(TaskRunStatus.Stopped);
        var trace = await fixture.Runner(mission.Id).ListToolCallsAsync(company);
        trace.Should().Contain(t => t.Tool == "delegate_task" && t.Allowed && t.Outcome == ToolOutcome.Ok);
        done.Result.Should().Contain("Subtasks:");
    }

    [Fact]
    public async Task A_forbidden_delegation_is_denied_in_the_trace_and_the_agent_escalates_instead()
    {
        var company = await fixture.CreateCompanyAsync();
        var cto = await fixture.HireAsync(company, "Ada", "CTO", "Engineering", model: "scripted:forbidden-" + company);
        var manager = await fixture.HireAsync(company, "Grace", "Engineering Manager", "Engineering", cto.Id);
        var developer = await fixture.HireAsync(company, "Linus", "Developer", "Engineering", manager.Id);
        fixture.AddScenario("forbidden-" + company, $$"""
            { "turns": [
              { "agent": "Ada", "lastMessage": "Fix the login page",
                "toolCalls": [ { "name": "delegate_task", "arguments": { "to_agent_id": {{developer.Id}}, "title": "Fix the login page bug" } } ] },
              { "agent": "Ada", "lastMessage": "denied",
                "toolCalls": [ { "name": "escalate", "arguments": { "subject": "I cannot give the login fix to Linus directly", "body": "Linus is not my direct report." } } ] },
              { "agent": "Ada", "lastMessage": "escalated",
                "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Escalated: the fix needs Grace to assign it." } } ] } ] }
            """);

        var task = await fixture.MissionAsync(company, cto.Id, "Fix the login page");
        var done = await fixture.WaitForAsync(company, task.Id, Finished);
        done.Status.Should().Be(TaskState.Done, done.StatusReason);

        var trace = await fixture.Runner(task.Id).ListToolCallsAsync(company);
        trace.Select(t => t.Tool).Should().Equal("delegate_task", "escalate", "complete_task");
        var denied = trace[0];
        denied.Allowed.Should().BeFalse();
        denied.Outcome.Should().Be(ToolOutcome.Denied);
        denied.Result.Should().StartWith("denied:").And.Contain("direct-subordinates-only").And.Contain("Grace");
        trace[1].Allowed.Should().BeTrue();
        trace[1].Result.Should().Contain("the CEO");

        (await fixture.ScalarAsync<long>("SELECT count(*) FROM tasks WHERE company_id = @c AND parent_task_id = @t", ("c", company), ("t", task.Id))).Should().Be(0);
        var denial = await fixture.ListAsync("SELECT payload::text FROM runtime.events WHERE company_id = @c AND type = @type",
            r => JsonDocument.Parse(r.GetString(0)).RootElement.Clone(), ("c", company), ("type", EventTypes.PolicyDenied));
        denial.Should().ContainSingle().Which.GetProperty("rule").GetString().Should().EndWith("direct-subordinates-only");
        var inbox = await fixture.Company(company).ListCeoInboxAsync(company);
        inbox.Should().ContainSingle(e => e.FromAgentId == cto.Id && e.TaskId == task.Id);
    }

    [Fact]
    public async Task A_tasks_model_calls_run_in_the_tasks_own_trace_and_its_turns_link_to_it_whichever_silo_ran_them()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith(FluidTelemetry.Prefix, StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Copywriter", "Marketing");

        var task = await fixture.MissionAsync(company, agent.Id, "Write the tagline");
        var done = await fixture.WaitForAsync(company, task.Id, Finished);

        done.Status.Should().Be(TaskState.Done, done.StatusReason);
        var trace = FluidTelemetry.TraceOf("task", task.Id.ToString(CultureInfo.InvariantCulture)).TraceId;
        // Other fixtures' databases run in this process with tasks of the same ids (and so the same trace ids):
        // the spans are matched to this task's model calls by their activity ids.
        var calls = (await fixture.ScalarAsync<string>("SELECT string_agg(activity_id::text, ',') FROM llm_calls WHERE task_id = @id", ("id", task.Id))).Split(',');
        calls.Should().NotBeEmpty();
        var steps = spans.Where(s => s.OperationName == $"activity {ModelCallActivity.ActivityKind}" && calls.Contains((string?)s.GetTagItem("fm.activity.id"))).ToList();
        steps.Select(s => (string?)s.GetTagItem("fm.activity.id")).Distinct().Should().BeEquivalentTo(calls, "every model call of the task is a span");
        steps.Should().OnlyContain(s => s.TraceId == trace, "every model call of the task is a span of the task's trace");
        steps.Should().OnlyContain(s => (string?)s.GetTagItem("fm.grain") == $"task-runner/{task.Id}");
        spans.Where(s => s.OperationName.StartsWith("turn task-runner.", StringComparison.Ordinal) && s.Links.Any(l => l.Context.TraceId == trace))
            .Should().NotBeEmpty("the runner's turns link to the task's trace");
    }

    [Fact]
    public async Task A_question_blocks_the_task_until_the_answer_reaches_the_agent()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Copywriter", "Marketing", model: "scripted:question-" + company);
        fixture.AddScenario("question-" + company, """
            { "turns": [
              { "agent": "Sam", "lastMessage": "Write the tagline",
                "toolCalls": [ { "name": "request_clarification", "arguments": { "question": "Which tone: playful or formal?" } } ] },
              { "agent": "Sam", "lastMessage": "playful",
                "toolCalls": [ { "name": "complete_task", "arguments": { "result": "Tagline: Launch day, fun day." } } ] } ] }
            """);

        var task = await fixture.MissionAsync(company, agent.Id, "Write the tagline");
        var blocked = await fixture.WaitForAsync(company, task.Id, [TaskState.Blocked]);
        blocked.StatusReason.Should().Contain("Which tone");
        var question = (await fixture.Work(company).ListClarificationsAsync(new ListClarificationsQuery(company, ClarificationStatus.Open))).Should().ContainSingle().Subject;
        question.AskedOf.Should().Be("human:1");
        (await fixture.Runner(task.Id).GetRunAsync(company))!.WaitingFor.Should().Be("clarification");

        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IClarificationGrain>(question.Id).AnswerAsync(new AnswerClarificationCommand(company, "Playful, please."));
        }

        var done = await fixture.WaitForAsync(company, task.Id, Finished);
        done.Status.Should().Be(TaskState.Done, done.StatusReason);
        done.Result.Should().Contain("Launch day");
    }

    [Fact]
    public async Task A_rejected_approval_fails_the_task_with_the_comment_and_a_retry_finishes_without_publishing()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Copywriter", "Marketing");
        var task = await fixture.MissionAsync(company, agent.Id, "Publish the spring newsletter");
        await fixture.WaitForAsync(company, task.Id, [TaskState.AwaitingApproval]);
        var approval = (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company))).Should().ContainSingle().Subject;

        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IApprovalGrain>(approval.Id).RejectAsync(new DecideApprovalCommand(company, "Not before the rebrand."));
        }

        var failed = await fixture.WaitForAsync(company, task.Id, Finished);
        failed.Status.Should().Be(TaskState.Failed);
        failed.StatusReason.Should().Contain("Not before the rebrand.");
        await Eventually.WaitAsync(() => fixture.Runner(task.Id).GetRunAsync(company), r => r?.Status == TaskRunStatus.Stopped, TimeSpan.FromSeconds(10), "the run to stop");

        using (CallerContext.As("human:1"))
        {
            await fixture.Task(task.Id).RetryAsync(new TaskTransitionCommand(company));
        }

        var done = await fixture.WaitForAsync(company, task.Id, Finished);
        done.Status.Should().Be(TaskState.Done, done.StatusReason);
        done.Result.Should().Contain("declined");
        var run = await fixture.Runner(task.Id).GetRunAsync(company);
        run!.Attempt.Should().Be(2);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM approvals WHERE task_id = @t", ("t", task.Id))).Should().Be(1, "the second attempt knows the request was rejected");
    }

    [Fact]
    public async Task A_task_past_its_deadline_fails_with_the_reason_instead_of_calling_the_model()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Copywriter", "Marketing");
        var task = await fixture.MissionAsync(company, agent.Id, "Write the tagline", deadline: DateTimeOffset.UtcNow.AddMinutes(-1));
        var failed = await fixture.WaitForAsync(company, task.Id, Finished);
        failed.Status.Should().Be(TaskState.Failed);
        failed.StatusReason.Should().StartWith("Deadline reached");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE task_id = @t", ("t", task.Id))).Should().Be(0);
    }

    [Fact]
    public async Task An_agent_that_keeps_answering_without_tools_fails_the_task_after_the_allowed_text_answers()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Copywriter", "Marketing", model: "scripted:chatty-" + company);
        fixture.AddScenario("chatty-" + company, """{ "turns": [ { "agent": "Sam", "repeat": true, "text": "I think taglines are hard." } ] }""");
        var task = await fixture.MissionAsync(company, agent.Id, "Write the tagline");
        var failed = await fixture.WaitForAsync(company, task.Id, Finished);
        failed.Status.Should().Be(TaskState.Failed);
        failed.StatusReason.Should().Contain("without using its tools");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE task_id = @t", ("t", task.Id))).Should().Be(3);
    }

    [Fact]
    public async Task An_agent_that_never_finishes_hits_the_step_limit_and_the_task_fails_with_the_reason()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Copywriter", "Marketing", model: "scripted:busy-" + company);
        fixture.AddScenario("busy-" + company, """
            { "turns": [ { "agent": "Sam", "repeat": true, "toolCalls": [ { "name": "write_worklog", "arguments": { "body": "Still thinking." } } ] } ] }
            """);
        var task = await fixture.MissionAsync(company, agent.Id, "Write the tagline");
        var failed = await fixture.WaitForAsync(company, task.Id, Finished);
        failed.Status.Should().Be(TaskState.Failed);
        failed.StatusReason.Should().StartWith("Step limit reached: 30 model calls");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE task_id = @t", ("t", task.Id))).Should().Be(30);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM worklog WHERE task_id = @t", ("t", task.Id))).Should().Be(30);
    }
}
