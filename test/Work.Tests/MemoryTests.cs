using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Models.Embeddings;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Work.Tests;

/// <summary>Agent memory through the agent loop: lessons from rejections, briefings that cite them, supersede, forget and the ACL.</summary>
public sealed class MemoryTests(WorkFixture fixture) : IClassFixture<WorkFixture>
{
    private static readonly TaskState[] Finished = [TaskState.Done, TaskState.Failed, TaskState.Cancelled];

    private IAgentMemoryGrain Memory(long agentId) => fixture.Grains.GetGrain<IAgentMemoryGrain>(agentId);

    private async Task<float[]> EmbedAsync(string text) =>
        await fixture.Host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().EmbedAsync(text, CancellationToken.None);

    private async Task<MemoryItemDto> RememberAsync(long company, long agentId, string content, MemoryKind kind = MemoryKind.Fact, long? supersedes = null)
    {
        using (CallerContext.As("human:1"))
        {
            return await Memory(agentId).RememberAsync(new RememberCommand
            {
                CompanyId = company,
                Kind = kind,
                Content = content,
                SourceKind = MemorySourceKind.Person,
                Supersedes = supersedes,
                Embedding = await EmbedAsync(content),
                EmbeddingModel = "test",
            });
        }
    }

    private async Task<IReadOnlyList<MemoryHit>> SearchAsync(long company, long agentId, string text, long? reader = null) =>
        await Memory(agentId).SearchAsync(new MemoryQuery { CompanyId = company, Text = text, Embedding = await EmbedAsync(text), ReaderAgentId = reader, Limit = 5 });

    [Fact]
    public async Task A_rejected_approval_leaves_a_lesson_that_the_next_similar_task_is_briefed_with_cites_and_follows_so_its_approval_passes()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Sam", "Copywriter", "Marketing");
        var first = await fixture.MissionAsync(company, agent.Id, "Publish the spring sale announcement");
        await fixture.WaitForAsync(company, first.Id, [TaskState.AwaitingApproval]);
        var approval = (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company))).Should().ContainSingle().Subject;
        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IApprovalGrain>(approval.Id).RejectAsync(new DecideApprovalCommand(company, "Sale announcements must state the discount and its end date."));
        }

        (await fixture.WaitForAsync(company, first.Id, Finished)).Status.Should().Be(TaskState.Failed);
        var lesson = (await Memory(agent.Id).SearchAsync(new MemoryQuery { CompanyId = company, Kinds = [MemoryKind.Lesson] })).Should().ContainSingle().Subject.Item;
        lesson.SourceKind.Should().Be(MemorySourceKind.Task);
        lesson.SourceTaskId.Should().Be(first.Id);
        lesson.SourceActor.Should().Be("human:1");
        lesson.Content.Should().Contain("must state the discount and its end date");

        var second = await fixture.MissionAsync(company, agent.Id, "Publish the summer sale announcement");
        await fixture.WaitForAsync(company, second.Id, [TaskState.AwaitingApproval]);
        var request = (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company, ApprovalStatus.Pending))).Should().ContainSingle().Subject;
        request.Reason.Should().Contain($"Following lesson [M{lesson.Id}]", "the offline agent says which lesson it follows");

        var recalled = await fixture.ListAsync(
            "SELECT item_ids FROM memory_recalls WHERE task_id = @t AND via = 'briefing'", r => r.GetFieldValue<long[]>(0), ("t", second.Id));
        recalled.Should().ContainSingle().Which.Should().Contain(lesson.Id, "the briefing's recall cites the lesson in the trace");
        var prompt = await fixture.ScalarAsync<string>("SELECT coalesce(conversation->0->'contents'->0->>'text', (conversation->0)::text) FROM task_runs WHERE task_id = @t", ("t", second.Id));
        prompt.Should().Contain($"[M{lesson.Id}] lesson (task #{first.Id}");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'memory.recalled'", ("s", $"task:{second.Id}"))).Should().Be(1);

        // The CEO approves what now follows the lesson.
        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IApprovalGrain>(request.Id).ApproveAsync(new DecideApprovalCommand(company, "Good, the lesson is applied."));
        }

        var done = await fixture.WaitForAsync(company, second.Id, Finished);
        done.Status.Should().Be(TaskState.Done, done.StatusReason);
        done.Result.Should().Contain($"[M{lesson.Id}]");
    }

    /// <summary>Runs a publishing task of the agent to its approval request and rejects it with <paramref name="reason"/>.</summary>
    private async Task RejectedTaskAsync(long company, long agentId, string title, string reason)
    {
        var task = await fixture.MissionAsync(company, agentId, title);
        await fixture.WaitForAsync(company, task.Id, [TaskState.AwaitingApproval]);
        var approval = (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company, ApprovalStatus.Pending))).Single(a => a.TaskId == task.Id);
        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IApprovalGrain>(approval.Id).RejectAsync(new DecideApprovalCommand(company, reason));
        }

        await fixture.WaitForAsync(company, task.Id, Finished);
    }

    private async Task<string> PromptOfNextTaskAsync(long company, long agentId, string title)
    {
        var task = await fixture.MissionAsync(company, agentId, title);
        await fixture.WaitForAsync(company, task.Id, [TaskState.AwaitingApproval, .. Finished]);
        return await fixture.ScalarAsync<string>("SELECT coalesce(conversation->0->'contents'->0->>'text', (conversation->0)::text) FROM task_runs WHERE task_id = @t", ("t", task.Id));
    }

    [Fact]
    public async Task Two_similar_rejections_propose_a_playbook_change_that_is_in_the_next_prompt_once_approved_and_never_when_rejected()
    {
        const string Reason = "Announcements must state the discount and its end date.";
        var company = await fixture.CreateCompanyAsync();
        var approved = await fixture.HireAsync(company, "Ana", "Copywriter", "Marketing");
        var refused = await fixture.HireAsync(company, "Ben", "Copywriter", "Marketing");
        var inbox = fixture.Grains.GetGrain<ICompanyMemoryGrain>(company);

        await RejectedTaskAsync(company, approved.Id, "Publish the spring sale announcement", Reason);
        (await inbox.ListPendingPlaybookChangesAsync(company)).Should().BeEmpty("one rejection is a lesson, not yet a rule");
        await RejectedTaskAsync(company, approved.Id, "Publish the autumn sale announcement", Reason);
        var change = (await inbox.ListPendingPlaybookChangesAsync(company)).Should().ContainSingle().Subject;
        change.AgentId.Should().Be(approved.Id);
        change.Instruction.Should().Be(Reason);
        change.PlaybookBefore.Should().BeEmpty();
        change.PlaybookAfter.Should().Be($"- {Reason}\n");
        change.LessonIds.Should().HaveCount(2);
        change.SourceTaskIds.Should().HaveCount(2);
        (await PromptOfNextTaskAsync(company, approved.Id, "Publish the winter sale announcement")).Should().NotContain("Your playbook", "nothing changes before a person approves");

        var agentDecides = async () =>
        {
            using (CallerContext.As($"agent:{approved.Id}"))
            {
                await Memory(approved.Id).DecidePlaybookChangeAsync(new DecidePlaybookChangeCommand(company, change.Id, Approve: true));
            }
        };
        await agentDecides.Should().ThrowAsync<ConflictException>();
        using (CallerContext.As("human:1"))
        {
            (await Memory(approved.Id).DecidePlaybookChangeAsync(new DecidePlaybookChangeCommand(company, change.Id, Approve: true, "Yes, always."))).Status.Should().Be(PlaybookChangeStatus.Approved);
        }

        (await PromptOfNextTaskAsync(company, approved.Id, "Publish the new year sale announcement")).Should().Contain("Your playbook").And.Contain($"- {Reason}");

        await RejectedTaskAsync(company, refused.Id, "Publish the spring sale announcement", Reason);
        await RejectedTaskAsync(company, refused.Id, "Publish the autumn sale announcement", Reason);
        var other = (await inbox.ListPendingPlaybookChangesAsync(company)).Should().ContainSingle().Subject;
        other.AgentId.Should().Be(refused.Id);
        using (CallerContext.As("human:1"))
        {
            await Memory(refused.Id).DecidePlaybookChangeAsync(new DecidePlaybookChangeCommand(company, other.Id, Approve: false, "Not as a rule."));
        }

        (await PromptOfNextTaskAsync(company, refused.Id, "Publish the winter sale announcement")).Should().NotContain("Your playbook");
        (await Memory(refused.Id).ListPlaybookChangesAsync(company)).Should().ContainSingle().Which.Status.Should().Be(PlaybookChangeStatus.Rejected);
        (await inbox.ListPendingPlaybookChangesAsync(company)).Should().BeEmpty();
    }

    [Fact]
    public async Task The_progress_of_an_agent_counts_its_finished_tasks_their_cost_its_worklog_and_its_memory()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Pia", "Copywriter", "Marketing");
        await RejectedTaskAsync(company, agent.Id, "Publish the spring sale announcement", "State the discount.");
        var done = await fixture.MissionAsync(company, agent.Id, "Publish the summer sale announcement");
        (await fixture.WaitForAsync(company, done.Id, Finished, approve: true)).Status.Should().Be(TaskState.Done);

        var progress = await Memory(agent.Id).GetProgressAsync(company, 7);
        progress.TasksDone.Should().Be(1);
        progress.TasksFailed.Should().Be(1);
        progress.TasksOpen.Should().Be(0);
        progress.SuccessRate.Should().Be(0.5);
        progress.Cost.Should().BePositive();
        progress.CostPerTask.Should().Be(progress.Cost / 2);
        progress.Daily.Should().HaveCount(7);
        progress.Daily[^1].Done.Should().Be(1);
        progress.Worklog.Should().NotBeEmpty().And.OnlyContain(w => w.TaskId == done.Id || w.TaskTitle == "Publish the spring sale announcement");
        progress.Memory.Should().Contain("episode", 2).And.Contain("lesson", 1);
        progress.PendingPlaybookChanges.Should().Be(0);
        var bad = async () => await Memory(agent.Id).GetProgressAsync(company, 0);
        await bad.Should().ThrowAsync<ValidationException>();
    }

    [Fact]
    public async Task A_contradicting_fact_supersedes_the_older_one_and_only_the_newer_one_is_retrieved()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Ines", "Accountant", "Finance");
        var older = await RememberAsync(company, agent.Id, "Invoices are paid within 30 days.");
        var newer = await RememberAsync(company, agent.Id, "Invoices are paid within 45 days since the new terms.", supersedes: older.Id);

        newer.SupersedesId.Should().Be(older.Id);
        var hits = await SearchAsync(company, agent.Id, "How many days until invoices are paid?");
        hits.Select(h => h.Item.Id).Should().Equal(newer.Id);
        var stale = await Memory(agent.Id).GetAsync(company, older.Id);
        stale.SupersededById.Should().Be(newer.Id);
        stale.ValidTo.Should().NotBeNull();
        (await Memory(agent.Id).SearchAsync(new MemoryQuery { CompanyId = company, IncludeInactive = true })).Select(h => h.Item.Id).Should().BeEquivalentTo([older.Id, newer.Id]);

        var again = async () => await RememberAsync(company, agent.Id, "Invoices are paid within 60 days.", supersedes: older.Id);
        (await again.Should().ThrowAsync<ConflictException>()).Which.Code.Should().Be("memory.not_live");
    }

    [Fact]
    public async Task A_forgotten_item_never_comes_back_in_search_or_briefings_and_leaves_an_event()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Noor", "Engineer", "Engineering");
        var item = await RememberAsync(company, agent.Id, "The staging database password rotates every Monday.");
        (await SearchAsync(company, agent.Id, "staging database password")).Select(h => h.Item.Id).Should().Contain(item.Id);

        using (CallerContext.As("human:1"))
        {
            var forgotten = await Memory(agent.Id).ForgetAsync(new ForgetMemoryCommand(company, item.Id, "Wrong and sensitive."));
            forgotten.ForgottenAt.Should().NotBeNull();
            forgotten.ForgottenBy.Should().Be("human:1");
        }

        (await SearchAsync(company, agent.Id, "staging database password")).Should().BeEmpty();
        (await Memory(agent.Id).SearchAsync(new MemoryQuery { CompanyId = company })).Should().BeEmpty();
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'memory.forgotten'", ("s", $"agent:{agent.Id}"))).Should().Be(1);

        var task = await fixture.MissionAsync(company, agent.Id, "Check the staging database password rotation");
        await fixture.WaitForAsync(company, task.Id, Finished, approve: true);
        var prompt = await fixture.ScalarAsync<string>("SELECT coalesce(conversation->0->'contents'->0->>'text', (conversation->0)::text) FROM task_runs WHERE task_id = @t", ("t", task.Id));
        prompt.Should().NotContain($"[M{item.Id}]").And.NotContain("rotates every Monday");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM memory_recalls WHERE @i = ANY (item_ids)", ("i", item.Id))).Should().Be(0);
    }

    [Fact]
    public async Task Managers_up_the_chart_read_an_agents_memory_another_departments_agent_is_denied_and_the_denial_is_logged()
    {
        var demo = await fixture.DemoCompanyAsync();
        var sales = await fixture.HireAsync(demo.CompanyId, "Rita", "Sales Rep", "Sales");
        var item = await RememberAsync(demo.CompanyId, demo.Frontend, "The design system lives in the ui-kit repository.");

        (await SearchAsync(demo.CompanyId, demo.Frontend, "design system", reader: demo.Frontend)).Select(h => h.Item.Id).Should().Contain(item.Id);
        (await SearchAsync(demo.CompanyId, demo.Frontend, "design system", reader: demo.Manager)).Select(h => h.Item.Id).Should().Contain(item.Id);
        (await SearchAsync(demo.CompanyId, demo.Frontend, "design system", reader: demo.Cto)).Select(h => h.Item.Id).Should().Contain(item.Id);

        var peek = async () => await SearchAsync(demo.CompanyId, demo.Frontend, "design system", reader: sales.Id);
        (await peek.Should().ThrowAsync<PolicyDeniedException>()).Which.Rule.Should().Be("memory:agent_and_managers_only");
        var sideways = async () => await SearchAsync(demo.CompanyId, demo.Frontend, "design system", reader: demo.Backend);
        await sideways.Should().ThrowAsync<PolicyDeniedException>();
        await Eventually.WaitAsync(
            () => fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE company_id = @c AND type = 'policy.denied' AND payload->>'action' = 'memory.read'", ("c", demo.CompanyId)),
            n => n == 2, TimeSpan.FromSeconds(10), "both denials to be recorded");

        // Only the direct manager (or the CEO) changes it; the agent itself cannot forget what it was told.
        var selfForget = async () => await Memory(demo.Frontend).ForgetAsync(new ForgetMemoryCommand(demo.CompanyId, item.Id, ActingAgentId: demo.Frontend));
        await selfForget.Should().ThrowAsync<PolicyDeniedException>();
        var pinned = await Memory(demo.Frontend).EditAsync(new EditMemoryCommand { CompanyId = demo.CompanyId, ItemId = item.Id, Pinned = true, ActingAgentId = demo.Manager });
        pinned.Pinned.Should().BeTrue();
    }

    [Fact]
    public async Task Another_companys_memory_is_not_found()
    {
        var company = await fixture.CreateCompanyAsync();
        var other = await fixture.CreateCompanyAsync("Other");
        var agent = await fixture.HireAsync(company, "Lea", "Analyst", "Finance");
        var item = await RememberAsync(company, agent.Id, "Quarterly reports are due on the fifth.");

        var search = async () => await Memory(agent.Id).SearchAsync(new MemoryQuery { CompanyId = other, Text = "reports" });
        await search.Should().ThrowAsync<NotFoundException>();
        var get = async () => await Memory(agent.Id).GetAsync(other, item.Id);
        await get.Should().ThrowAsync<NotFoundException>();
        var forget = async () => await Memory(agent.Id).ForgetAsync(new ForgetMemoryCommand(other, item.Id));
        await forget.Should().ThrowAsync<NotFoundException>();
        (await Memory(agent.Id).GetAsync(company, item.Id)).ForgottenAt.Should().BeNull();
    }
}
