using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Governance;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;

namespace FluidManager.Work.Tests;

public sealed class BudgetTests(WorkFixture fixture) : IClassFixture<WorkFixture>
{
    private static readonly TaskState[] Finished = [TaskState.Done, TaskState.Failed, TaskState.Cancelled];

    [Fact]
    public async Task An_agent_over_its_daily_tokens_is_blocked_with_a_raise_request_and_approving_it_lets_the_task_finish()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Technical Writer", "Engineering", limits: new AgentLimits { TokensPerDay = 1_000 });
        var task = await fixture.MissionAsync(company, agent.Id, "Write the onboarding guide");

        var blocked = await fixture.WaitForAsync(company, task.Id, [TaskState.Blocked]);
        blocked.StatusReason.Should().Contain("daily token limit").And.Contain("Approval #");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE task_id = @t", ("t", task.Id))).Should().Be(0, "the call is not made");
        var raise = (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company))).Should().ContainSingle().Subject;
        raise.Kind.Should().Be(ApprovalKind.BudgetRaise);
        raise.Limit.Should().Be(BudgetLimit.AgentTokensPerDay);
        raise.CurrentLimit.Should().Be(1_000);
        raise.ProposedLimit.Should().BeGreaterThan(1_000);
        (await fixture.Runner(task.Id).GetRunAsync(company))!.WaitingFor.Should().Be("budget");
        (await fixture.Company(company).ListCeoInboxAsync(company)).Should().ContainSingle(e => e.TaskId == task.Id && e.Subject.StartsWith("Blocked by budget", StringComparison.Ordinal));
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'budget.exceeded'", ("s", $"agent:{agent.Id}"))).Should().Be(1);

        var done = await fixture.WaitForAsync(company, task.Id, Finished, approve: true);
        done.Status.Should().Be(TaskState.Done, done.StatusReason);
        var limit = (await fixture.Grains.GetGrain<IAgentGrain>(agent.Id).GetAsync(company)).Profile.Limits.TokensPerDay;
        limit.Should().BeGreaterThanOrEqualTo(raise.ProposedLimit!.Value.ToLong());
        var used = await fixture.ScalarAsync<long>("SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE agent_id = @a", ("a", agent.Id));
        used.Should().BeLessThanOrEqualTo(limit!.Value);
        (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company, Status: null))).Should().OnlyContain(a => a.Status == ApprovalStatus.Approved);
    }

    [Fact]
    public async Task Parallel_tasks_of_one_agent_never_pass_its_daily_tokens_together()
    {
        const long Limit = 12_000;
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Technical Writer", "Engineering", limits: new AgentLimits { TokensPerDay = Limit });
        var tasks = await CreateManyAsync(company, [agent.Id], 10);

        var peak = await WatchAsync(company, tasks, "SELECT COALESCE((SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE agent_id = @a), 0) + COALESCE((SELECT sum(tokens) FROM budget_reservations WHERE agent_id = @a), 0)", ("a", agent.Id));
        peak.Should().BeLessThanOrEqualTo(Limit);
        var settled = await fixture.ScalarAsync<long>("SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE agent_id = @a", ("a", agent.Id));
        settled.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(Limit);
        var states = await Task.WhenAll(tasks.Select(t => fixture.Task(t).GetAsync(company)));
        states.Should().Contain(t => t.Status == TaskState.Blocked && t.StatusReason!.Contains("daily token limit", StringComparison.Ordinal));
        (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company))).Should().OnlyContain(a => a.Kind == ApprovalKind.BudgetRaise && a.Limit == BudgetLimit.AgentTokensPerDay);
    }

    [Fact]
    public async Task Parallel_tasks_of_many_agents_never_pass_the_company_monthly_budget_together()
    {
        const decimal Budget = 0.06m;
        var company = await fixture.CreateCompanyAsync();
        using (CallerContext.As("human:1"))
        {
            await fixture.Work(company).SetBudgetAsync(new SetCompanyBudgetCommand(company, Budget));
        }

        var agents = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            agents.Add((await fixture.HireAsync(company, $"Writer{i}", "Technical Writer", "Engineering")).Id);
        }

        var tasks = await CreateManyAsync(company, agents, 12);
        var peak = await WatchAsync(company, tasks, "SELECT COALESCE((SELECT sum(cost) FROM llm_calls WHERE company_id = @c), 0) + COALESCE((SELECT sum(cost) FROM budget_reservations WHERE company_id = @c), 0)", ("c", company));
        peak.Should().BeLessThanOrEqualTo(Budget);
        var budget = await fixture.Work(company).GetBudgetAsync(company);
        budget.MonthlyLimit.Should().Be(Budget);
        budget.Spent.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(Budget);
        budget.Reserved.Should().Be(0);
        var states = await Task.WhenAll(tasks.Select(t => fixture.Task(t).GetAsync(company)));
        states.Should().Contain(t => t.Status == TaskState.Blocked && t.StatusReason!.Contains("monthly budget", StringComparison.Ordinal));
        var raises = await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company));
        raises.Should().NotBeEmpty().And.OnlyContain(a => a.Limit == BudgetLimit.CompanyMonthlyBudget && a.ProposedLimit > Budget);

        // Approving one raise lifts the company budget, and its task carries on.
        var first = raises[0];
        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IApprovalGrain>(first.Id).ApproveAsync(new DecideApprovalCommand(company, "One more month of runway."));
        }

        (await fixture.Work(company).GetBudgetAsync(company)).MonthlyLimit.Should().Be(first.ProposedLimit);
        var resumed = await fixture.WaitForAsync(company, first.TaskId, [TaskState.Done, TaskState.Blocked, TaskState.Failed], timeout: TimeSpan.FromSeconds(30));
        resumed.Status.Should().NotBe(TaskState.Failed, resumed.StatusReason);
    }

    [Fact]
    public async Task Parallel_tasks_of_many_agents_never_pass_the_company_monthly_token_limit_and_a_raise_sets_the_policy()
    {
        const long Limit = 3_000;
        var company = await fixture.CreateCompanyAsync();
        var policies = fixture.Grains.GetGrain<ICompanyPolicyGrain>(company);
        using (CallerContext.As("human:1"))
        {
            await policies.SetAsync(new SetCompanyPolicyCommand { CompanyId = company, MonthlyTokenLimit = Limit });
        }

        var agents = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            agents.Add((await fixture.HireAsync(company, $"Analyst{i}", "Technical Writer", "Engineering")).Id);
        }

        var tasks = await CreateManyAsync(company, agents, 8);
        var peak = await WatchAsync(company, tasks,
            "SELECT COALESCE((SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE company_id = @c), 0) + COALESCE((SELECT sum(tokens) FROM budget_reservations WHERE company_id = @c), 0)",
            ("c", company));
        peak.Should().BeLessThanOrEqualTo(Limit, "settled and reserved tokens never pass the company's monthly limit together");
        var states = await Task.WhenAll(tasks.Select(t => fixture.Task(t).GetAsync(company)));
        states.Should().Contain(t => t.Status == TaskState.Blocked && t.StatusReason!.Contains("monthly token limit", StringComparison.Ordinal));
        var raises = await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company));
        raises.Should().NotBeEmpty().And.OnlyContain(a => a.Kind == ApprovalKind.BudgetRaise && a.Limit == BudgetLimit.CompanyMonthlyTokens && a.CurrentLimit == Limit && a.ProposedLimit > Limit);
        raises[0].Action.Should().Contain("the company's monthly token limit");

        // Approving a raise lifts the policy's limit (only ever upwards), and its task carries on.
        var first = raises[0];
        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IApprovalGrain>(first.Id).ApproveAsync(new DecideApprovalCommand(company, "Finish the guides."));
        }

        (await policies.GetAsync(company)).MonthlyTokenLimit.Should().Be(first.ProposedLimit!.Value.ToLong());
        var resumed = await fixture.WaitForAsync(company, first.TaskId, [TaskState.Done, TaskState.Blocked, TaskState.Failed], timeout: TimeSpan.FromSeconds(30));
        resumed.Status.Should().NotBe(TaskState.Failed, resumed.StatusReason);
    }

    private async Task<List<long>> CreateManyAsync(long company, IReadOnlyList<long> agents, int count)
    {
        var created = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            fixture.MissionAsync(company, agents[i % agents.Count], $"Write guide number {i + 1}")));
        return created.Select(t => t.Id).ToList();
    }

    /// <summary>Samples settled + reserved (one snapshot each time) until no task is queued or running; returns the highest value seen.</summary>
    private async Task<decimal> WatchAsync(long company, List<long> tasks, string sql, (string, object) parameter)
    {
        var peak = 0m;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (DateTimeOffset.UtcNow < deadline)
        {
            peak = Math.Max(peak, await fixture.ScalarAsync<decimal>(sql, parameter));
            var open = await fixture.ScalarAsync<long>(
                "SELECT count(*) FROM tasks WHERE id = ANY(@ids) AND status IN ('queued', 'running')", ("ids", tasks.ToArray()));
            var calling = await fixture.ScalarAsync<long>(
                "SELECT count(*) FROM task_runs WHERE task_id = ANY(@ids) AND status = 'calling'", ("ids", tasks.ToArray()));
            if (open == 0 && calling == 0)
            {
                return Math.Max(peak, await fixture.ScalarAsync<decimal>(sql, parameter));
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The tasks did not settle: " + await fixture.DescribeAsync(company));
    }
}

internal static class DecimalExtensions
{
    public static long ToLong(this decimal value) => (long)value;
}
