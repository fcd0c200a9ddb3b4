using System.Globalization;
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

    /// <summary>Waits for the memory.embed activity to fill in the item's vector; the vector's cosine distance to <paramref name="text"/>'s.</summary>
    private async Task<double> WaitForVectorAsync(long itemId, string text)
    {
        await Eventually.WaitAsync(() => fixture.ScalarAsync<bool>("SELECT embedding IS NOT NULL FROM agent_memory WHERE id = @i", ("i", itemId)),
            filled => filled, TimeSpan.FromSeconds(60), $"memory item {itemId} to get its vector");
        var expected = "[" + string.Join(",", (await EmbedAsync(text)).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
        return await fixture.ScalarAsync<double>("SELECT embedding <=> @v::vector FROM agent_memory WHERE id = @i", ("i", itemId), ("v", expected));
    }

    /// <summary>Waits for the <c>memory.lesson</c> activities to write <paramref name="count"/> lessons of the agent; its lessons, newest first.</summary>
    private async Task<IReadOnlyList<MemoryItemDto>> WaitForLessonsAsync(long company, long agentId, int count) =>
        await Eventually.WaitAsync(
            async () => (await Memory(agentId).SearchAsync(new MemoryQuery { CompanyId = company, Kinds = [MemoryKind.Lesson] })).Select(h => h.Item).ToList(),
            lessons => lessons.Count >= count, TimeSpan.FromSeconds(90), $"{count} lesson(s) of agent {agentId}");

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
        var lesson = (await WaitForLessonsAsync(company, agent.Id, 1)).Should().ContainSingle().Subject;
        lesson.SourceKind.Should().Be(MemorySourceKind.Task);
        lesson.SourceTaskId.Should().Be(first.Id);
        lesson.SourceActor.Should().Be("human:1");
        lesson.Content.Should().Be(
            "On work like \"Publish the spring sale announcement\", before asking for approval: Sale announcements must state the discount and its end date.",
            "the agent's (offline) model proposed the lesson from the task and the feedback");
        (await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM runtime.activities WHERE grain_type = 'agent-memory' AND grain_key = @k AND kind = 'memory.lesson' AND status = 'completed'",
            ("k", agent.Id.ToString(CultureInfo.InvariantCulture)))).Should().Be(1, "the model was asked in a memory.lesson activity, outside any turn");
        var call = (await fixture.ListAsync(
            "SELECT input_tokens, output_tokens, cost, duration_ms, succeeded, model FROM llm_calls WHERE task_id = @t AND step = 0",
            r => (In: r.GetInt32(0), Out: r.GetInt32(1), Cost: r.GetDecimal(2), Ms: r.GetInt64(3), Ok: r.GetBoolean(4), Model: r.GetString(5)), ("t", first.Id)))
            .Should().ContainSingle("the lesson's model call is in the task's trace").Subject;
        call.Ok.Should().BeTrue();
        call.Model.Should().Be("offline");
        call.In.Should().BePositive();
        call.Out.Should().BePositive();
        call.Cost.Should().BePositive();
        call.Ms.Should().BeGreaterThanOrEqualTo(0);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'memory.lesson_fallback'", ("s", $"agent:{agent.Id}")))
            .Should().Be(0);
        (await WaitForVectorAsync(lesson.Id, lesson.Content)).Should().BeLessThan(1e-4, "the memory.embed activity embeds the lesson as written");

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
        (await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM runtime.activities WHERE grain_type = 'task-runner' AND grain_key = @k AND kind = 'memory.briefing' AND status = 'completed'", ("k", second.Id.ToString(CultureInfo.InvariantCulture))))
            .Should().Be(1, "the briefing's memory search ran as an activity, outside the runner's turn");

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
        await Eventually.WaitAsync(() => fixture.ScalarAsync<long>("SELECT count(*) FROM agent_memory WHERE kind = 'lesson' AND source_task_id = @t", ("t", task.Id)),
            n => n == 1, TimeSpan.FromSeconds(90), $"the lesson of task {task.Id}");
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

        // A finished attempt's episode reaches the agent's memory as a message, applied in the memory grain's turn.
        var progress = await Eventually.WaitAsync(() => Memory(agent.Id).GetProgressAsync(company, 7), p => p.Memory.GetValueOrDefault("episode") >= 2,
            TimeSpan.FromSeconds(60), "the episodes of both finished tasks");
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
    public async Task An_item_written_without_a_vector_is_found_by_its_words_at_once_and_gets_its_vector_from_the_memory_embed_activity()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Olga", "Office Manager", "Operations");
        MemoryItemDto item;
        using (CallerContext.As("human:1"))
        {
            item = await Memory(agent.Id).RememberAsync(new RememberCommand
            {
                CompanyId = company,
                Kind = MemoryKind.Fact,
                Content = "The quokka mural in the lobby is cleaned every Thursday.",
                SourceKind = MemorySourceKind.Person,
            });
        }

        var byWords = await Memory(agent.Id).SearchAsync(new MemoryQuery { CompanyId = company, Text = "quokka mural", Limit = 5 });
        byWords.Select(h => h.Item.Id).Should().Contain(item.Id, "the full-text half finds the item whether or not its vector is there yet");

        (await WaitForVectorAsync(item.Id, item.Content)).Should().BeLessThan(1e-4);
        (await fixture.ScalarAsync<string>("SELECT embedding_model FROM agent_memory WHERE id = @i", ("i", item.Id)))
            .Should().Be(fixture.Host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().ModelId());
        (await fixture.ScalarAsync<long>(
            "SELECT count(*) FROM runtime.activities WHERE grain_type = 'agent-memory' AND grain_key = @k AND kind = 'memory.embed' AND status = 'completed'", ("k", agent.Id.ToString(CultureInfo.InvariantCulture))))
            .Should().Be(1);
        (await Memory(agent.Id).GetAsync(company, item.Id)).Version.Should().Be(item.Version, "filling the vector in is not an edit");
        (await SearchAsync(company, agent.Id, "When is the animal painting at the entrance washed?")).Select(h => h.Item.Id).Should().Contain(item.Id, "now its meaning is searched too");

        // An edit of the content without a vector embeds the new content.
        const string Edited = "The quokka mural in the lobby is cleaned every other Friday.";
        using (CallerContext.As("human:1"))
        {
            await Memory(agent.Id).EditAsync(new EditMemoryCommand { CompanyId = company, ItemId = item.Id, Content = Edited });
        }

        await Eventually.WaitAsync(
            async () => await WaitForVectorAsync(item.Id, Edited), distance => distance < 1e-4, TimeSpan.FromSeconds(60), "the edited content to be embedded");
    }

    [Fact]
    public async Task Items_left_without_a_vector_are_handed_to_memory_embed_activities_again()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Paul", "Buyer", "Operations");
        const string Content = "Office chairs are ordered from the supplier in Ghent.";

        // As an embedding that failed after its retries leaves it: a live item without a vector and no activity in flight.
        var id = await fixture.ScalarAsync<long>(
            """
            INSERT INTO agent_memory (company_id, agent_id, kind, content, source_kind, source_actor, valid_from, created_at, created_by, updated_at)
            VALUES (@c, @a, 'fact', @content, 'person', 'human:1', now(), now(), 'human:1', now()) RETURNING id
            """, ("c", company), ("a", agent.Id), ("content", Content));

        (await Memory(agent.Id).EmbedMissingAsync(company)).Should().Be(1);
        (await WaitForVectorAsync(id, Content)).Should().BeLessThan(1e-4);
        (await Memory(agent.Id).EmbedMissingAsync(company)).Should().Be(0, "nothing is left to embed");
    }

    [Fact]
    public async Task A_retry_of_a_failed_task_and_a_comment_of_the_CEO_leave_lessons_with_the_task_as_source_and_an_agents_comment_none()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Vera", "Copywriter", "Marketing");
        var task = await fixture.MissionAsync(company, agent.Id, "Publish the spring sale announcement");
        await fixture.WaitForAsync(company, task.Id, [TaskState.AwaitingApproval]);
        var approval = (await fixture.Work(company).ListApprovalsAsync(new ListApprovalsQuery(company, ApprovalStatus.Pending))).Single(a => a.TaskId == task.Id);
        using (CallerContext.As("human:1"))
        {
            await fixture.Grains.GetGrain<IApprovalGrain>(approval.Id).RejectAsync(new DecideApprovalCommand(company, null));
        }

        (await fixture.WaitForAsync(company, task.Id, Finished)).Status.Should().Be(TaskState.Failed);
        async Task<IReadOnlyList<MemoryItemDto>> LessonsAsync() =>
            (await Memory(agent.Id).SearchAsync(new MemoryQuery { CompanyId = company, Kinds = [MemoryKind.Lesson] })).Select(h => h.Item).ToList();
        (await LessonsAsync()).Should().BeEmpty("a rejection without a reason teaches nothing");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.activities WHERE kind = 'memory.lesson' AND input ->> 'taskId' = @t", ("t", task.Id.ToString(CultureInfo.InvariantCulture))))
            .Should().Be(0, "nothing to learn: the model is not asked");

        using (CallerContext.As("human:1"))
        {
            await fixture.Task(task.Id).RetryAsync(new TaskTransitionCommand(company, Reason: "Attach the banner image to the announcement"));
        }

        var retry = (await WaitForLessonsAsync(company, agent.Id, 1)).Should().ContainSingle().Subject;
        retry.SourceKind.Should().Be(MemorySourceKind.Task);
        retry.SourceTaskId.Should().Be(task.Id);
        retry.SourceActor.Should().Be("human:1");
        retry.Content.Should().Be("On work like \"Publish the spring sale announcement\", from the start: Attach the banner image to the announcement.");
        (await WaitForVectorAsync(retry.Id, retry.Content)).Should().BeLessThan(1e-4);

        using (CallerContext.As($"agent:{agent.Id}"))
        {
            await fixture.Task(task.Id).CommentAsync(new AddCommentCommand(company, "I will attach the banner."));
        }

        using (CallerContext.As("human:1"))
        {
            await fixture.Task(task.Id).CommentAsync(new AddCommentCommand(company, "Thanks, looks good."));
            await fixture.Task(task.Id).CommentAsync(new AddCommentCommand(company, "Use the spring palette for the banner."));
        }

        var lessons = await WaitForLessonsAsync(company, agent.Id, 2);
        await Eventually.WaitAsync(() => fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'memory.lesson_declined'", ("s", $"agent:{agent.Id}")),
            n => n == 1, TimeSpan.FromSeconds(90), "the model to find nothing to learn in a thank-you");
        lessons = await LessonsAsync();
        lessons.Should().HaveCount(2, "an agent's own comment and a thank-you teach nothing");
        var comment = lessons.Should().ContainSingle(l => l.Id != retry.Id).Subject;
        comment.SourceTaskId.Should().Be(task.Id);
        comment.SourceActor.Should().Be("human:1");
        comment.Content.Should().Be("On work like \"Publish the spring sale announcement\": Use the spring palette for the banner.");
        (await SearchAsync(company, agent.Id, "spring palette banner")).Select(h => h.Item.Id).Should().Contain(comment.Id);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE task_id = @t AND step = 0 AND succeeded", ("t", task.Id)))
            .Should().Be(3, "the retry, the thank-you and the comment each asked the model once, traced on the task");
    }

    [Fact]
    public async Task A_failing_model_leaves_the_lesson_of_the_feedback_alone_and_says_so_in_an_event()
    {
        var company = await fixture.CreateCompanyAsync();
        fixture.AddScenario("once-" + company, """
            { "turns": [ { "agent": "Olga", "toolCalls": [ { "name": "complete_task", "arguments": { "result": "The report is attached." } } ] } ] }
            """);
        var agent = await fixture.HireAsync(company, "Olga", "Analyst", "Finance", model: "scripted:once-" + company);
        var task = await fixture.MissionAsync(company, agent.Id, "Write the quarterly cash report");
        await fixture.WaitForAsync(company, task.Id, Finished);

        // The scenario's only turn is used: the lesson request finds no answer, and fails after its attempts.
        using (CallerContext.As("human:1"))
        {
            await fixture.Task(task.Id).CommentAsync(new AddCommentCommand(company, "Always attach the source spreadsheet."));
        }

        var lesson = (await WaitForLessonsAsync(company, agent.Id, 1)).Should().ContainSingle().Subject;
        lesson.Content.Should().Be("The CEO commented on the task \"Write the quarterly cash report\": Always attach the source spreadsheet. On similar work, take this into account.");
        lesson.SourceTaskId.Should().Be(task.Id);
        lesson.SourceActor.Should().Be("human:1");
        var reason = await fixture.ScalarAsync<string>(
            "SELECT payload ->> 'reason' FROM runtime.events WHERE stream = @s AND type = 'memory.lesson_fallback'", ("s", $"agent:{agent.Id}"));
        // The scenario's one answer goes to whichever call comes first: the lesson request then fails, or gets an answer that is no lesson.
        reason.Should().Contain("written from the feedback alone");
        (reason.Contains("the model call failed after 3 attempt(s)", StringComparison.Ordinal) || reason.Contains("not a lesson in the format asked", StringComparison.Ordinal))
            .Should().BeTrue(reason);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'memory.lesson_fallback'", ("s", $"task:{task.Id}"))).Should().Be(1);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE task_id = @t AND step = 0", ("t", task.Id)))
            .Should().Be(1, "the lesson request's call is in the task's trace");
    }

    [Fact]
    public async Task A_lesson_request_with_bad_input_names_the_field_and_another_companys_agent_is_not_found()
    {
        var company = await fixture.CreateCompanyAsync();
        var other = await fixture.CreateCompanyAsync("Other");
        var agent = await fixture.HireAsync(company, "Rita", "Copywriter", "Marketing");
        var task = await fixture.MissionAsync(company, agent.Id, "Write the product newsletter");
        ProposeLessonCommand Command(long companyId, string kind = "comment", string feedback = "Keep it under 300 words.") =>
            new() { CompanyId = companyId, TaskId = task.Id, Kind = kind, Feedback = feedback, FallbackLesson = "Keep newsletters under 300 words." };

        var badKind = async () => await Memory(agent.Id).ProposeLessonAsync(Command(company, kind: "praise"));
        (await badKind.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("kind");
        var noFeedback = async () => await Memory(agent.Id).ProposeLessonAsync(Command(company, feedback: " "));
        (await noFeedback.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("feedback");
        var elsewhere = async () => await Memory(agent.Id).ProposeLessonAsync(Command(other));
        await elsewhere.Should().ThrowAsync<NotFoundException>();
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
