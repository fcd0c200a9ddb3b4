using System.Text.Json;
using FluidManager.Models.Offline;

namespace FluidManager.Models.Tests;

public sealed class OfflineChatModelTests
{
    private static readonly AgentRef Cmo = new(7, "Ada Lovelace", "CMO", "Marketing");
    private static readonly AgentRef Copywriter = new(8, "Bob Stone", "Copywriter", "Marketing");
    private static readonly AgentRef Designer = new(9, "Cleo Park", "Designer", "Marketing");
    private static readonly AgentRef Analyst = new(10, "Dan Reyes", "Budget Analyst", "Finance");

    private static AgentContext ManagerTask() => new()
    {
        Agent = Cmo,
        Task = new TaskRef(42, "Prepare the spring campaign", """
            We need the spring campaign ready by March.
            - Write the announcement blog copy
            - Design the banner and landing visuals
            - Estimate the ad budget and cost per channel
            """),
        Subordinates = [Copywriter, Designer, Analyst],
    };

    private static AgentContext LeafTask(string title = "Write the Q3 pricing FAQ", string description = "Answer the ten most common pricing questions.") => new()
    {
        Agent = Copywriter,
        Task = new TaskRef(51, title, description),
    };

    private static JsonElement Arguments(ToolCall call)
    {
        call.TryParseArguments(out var arguments).Should().BeTrue(call.Arguments);
        return arguments;
    }

    [Fact]
    public async Task Same_request_gets_the_same_response()
    {
        var model = AgentLoop.Offline();
        var request = AgentLoop.Request(LeafTask());

        var first = await model.CompleteAsync(request, CancellationToken.None);
        var second = await AgentLoop.Offline().CompleteAsync(request with { Messages = [.. request.Messages] }, CancellationToken.None);

        second.Text.Should().Be(first.Text);
        second.ToolCalls.Should().Equal(first.ToolCalls);
        second.Usage.Should().Be(first.Usage);
        first.Model.Should().Be("offline");
    }

    [Fact]
    public async Task Different_conversations_get_different_wording()
    {
        var model = AgentLoop.Offline();
        var texts = new HashSet<string>();
        foreach (var topic in new[] { "onboarding", "pricing", "hiring", "security", "support", "logistics" })
        {
            var response = await model.CompleteAsync(new ChatRequest { Messages = [ChatMessage.System("You are a product manager."), ChatMessage.User($"Write a note about {topic}")] }, CancellationToken.None);
            texts.Add(response.Text.Replace(topic, "", StringComparison.Ordinal));
        }

        texts.Count.Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task Token_counts_come_from_the_tokenizer_and_track_the_text()
    {
        var model = AgentLoop.Offline();
        var shortRequest = new ChatRequest { Messages = [ChatMessage.System("You are the CFO."), ChatMessage.User("Summarise the budget.")] };
        var longRequest = shortRequest with { Messages = [.. shortRequest.Messages, ChatMessage.User(new string('a', 4000))] };

        var small = await model.CompleteAsync(shortRequest, CancellationToken.None);
        var large = await model.CompleteAsync(longRequest, CancellationToken.None);

        small.Usage.InputTokens.Should().Be(TokenEstimator.EstimateInput(shortRequest));
        large.Usage.InputTokens.Should().Be(TokenEstimator.EstimateInput(longRequest));
        (large.Usage.InputTokens - small.Usage.InputTokens).Should().Be(TokenEstimator.PerMessageOverhead + TokenEstimator.Count(new string('a', 4000)));
        TokenEstimator.Count(new string('a', 4000)).Should().BeInRange(400, 600, "o200k_base reads a run of one letter in chunks of about eight");
        small.Usage.OutputTokens.Should().Be(TokenEstimator.Count(small.Text));
        small.Usage.OutputTokens.Should().BeGreaterThan(5);
    }

    [Fact]
    public async Task Text_answers_follow_the_role_and_the_request()
    {
        var model = AgentLoop.Offline();
        var system = ChatMessage.System("You are Dana Smith, the CFO in the Finance department.");

        var plan = await model.CompleteAsync(new ChatRequest { Messages = [system, ChatMessage.User("Give me a plan for the office move")] }, CancellationToken.None);
        var opinion = await model.CompleteAsync(new ChatRequest { Messages = [system, ChatMessage.User("Should we open a second office?")] }, CancellationToken.None);
        var summary = await model.CompleteAsync(new ChatRequest
        {
            Messages = [system, ChatMessage.User("Rent is rising by 8%."), ChatMessage.Assistant("We should renegotiate."), ChatMessage.User("Summarise the discussion")],
        }, CancellationToken.None);
        var work = await model.CompleteAsync(new ChatRequest { Messages = [system, ChatMessage.User("Review the travel costs of Q2")] }, CancellationToken.None);

        plan.Text.Should().StartWith("Plan for").And.Contain("1. Cost breakdown");
        opinion.Text.Should().Contain("From the Finance side");
        summary.Text.Should().Contain("Summary from Dana Smith (CFO)").And.Contain("Rent is rising by 8%.");
        work.Text.Should().Contain("# Review the travel costs of Q2").And.Contain("## Budget impact");
        new[] { plan, opinion, summary, work }.Should().AllSatisfy(r => r.FinishReason.Should().Be(ChatFinishReason.Stop));
    }

    [Fact]
    public async Task Manager_with_subordinates_delegates_each_part_to_the_best_fit_then_completes()
    {
        var (calls, last, turns) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(ManagerTask()));

        calls.Select(c => c.Name).Should().Equal("write_worklog", "delegate_task", "delegate_task", "delegate_task", "complete_task");
        var delegations = calls.Where(c => c.Name == "delegate_task").Select(Arguments).ToList();
        delegations.Select(d => d.GetProperty("to_agent_id").GetInt64()).Should().Equal(8, 9, 10);
        delegations[0].GetProperty("title").GetString().Should().Be("Write the announcement blog copy");
        delegations[0].GetProperty("parent_task_id").GetInt64().Should().Be(42);
        delegations[2].GetProperty("description").GetString().Should().Contain("Part of 'Prepare the spring campaign' (task #42)").And.Contain("financial analysis");
        Arguments(calls[0]).GetProperty("body").GetString().Should().Contain("3 parts").And.Contain("Bob Stone");
        Arguments(calls[^1]).GetProperty("result").GetString().Should().StartWith("Delegated 3 parts");
        last.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        turns.Should().Be(5);
    }

    [Fact]
    public async Task Big_task_without_bullets_gets_one_workstream_per_subordinate()
    {
        var context = ManagerTask() with { Task = new TaskRef(43, "Plan the product launch", "Everything needed to launch the new product.") };

        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(context));

        calls.Where(c => c.Name == "delegate_task").Select(c => Arguments(c).GetProperty("to_agent_id").GetInt64()).Should().Equal(8, 9, 10);
    }

    [Fact]
    public async Task Manager_with_a_small_task_does_it_alone()
    {
        var context = ManagerTask() with { Task = new TaskRef(44, "Review the tagline", "Check the tagline reads well.") };

        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(context));

        calls.Select(c => c.Name).Should().Equal("write_worklog", "create_artifact", "complete_task");
    }

    [Fact]
    public async Task Leaf_task_writes_worklog_creates_artifact_and_completes()
    {
        var (calls, _, turns) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(LeafTask()));

        calls.Select(c => c.Name).Should().Equal("write_worklog", "create_artifact", "complete_task");
        var artifact = Arguments(calls[1]);
        artifact.GetProperty("name").GetString().Should().Be("write-the-q3-pricing-faq.md");
        artifact.GetProperty("kind").GetString().Should().Be("file");
        artifact.GetProperty("content").GetString().Should().StartWith("# Write the Q3 pricing FAQ").And.Contain("Bob Stone, Copywriter").And.Contain("## Outline");
        artifact.GetProperty("task_id").GetInt64().Should().Be(51);
        Arguments(calls[2]).GetProperty("result").GetString().Should().Contain("write-the-q3-pricing-faq.md");
        turns.Should().Be(3);
    }

    [Fact]
    public async Task With_knowledge_search_offered_it_searches_first_and_cites_the_passages_it_found()
    {
        var search = ToolDefinition.Create(StandardTools.SearchKnowledge, "Search the knowledge spaces.", """{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}""");
        var request = AgentLoop.Request(LeafTask(), [.. StandardTools.All, search]);

        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), request, call => call.Name == StandardTools.SearchKnowledge
            ? "ok: 2 passage(s); cite them as [n]:\n\n[1] \"pricing.md\" (space \"Sales\")\nPrices rise in Q3.\n\n[2] \"faq-style.md\" (space \"Sales\")\nShort answers.\n"
            : """{"ok":true}""");

        calls.Select(c => c.Name).Should().Equal("write_worklog", "search_knowledge", "create_artifact", "complete_task");
        Arguments(calls[1]).GetProperty("query").GetString().Should().Be("Write the Q3 pricing FAQ");
        Arguments(calls[3]).GetProperty("result").GetString().Should().EndWith("Sources: [1] \"pricing.md\"; [2] \"faq-style.md\".");
    }

    [Fact]
    public async Task A_refused_knowledge_search_leaves_the_answer_without_sources()
    {
        var search = ToolDefinition.Create(StandardTools.SearchKnowledge, "Search the knowledge spaces.", """{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}""");
        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(LeafTask(), [.. StandardTools.All, search]),
            call => call.Name == StandardTools.SearchKnowledge ? "denied: no knowledge space grants this agent read access." : """{"ok":true}""");

        Arguments(calls[^1]).GetProperty("result").GetString().Should().NotContain("Sources");
    }

    [Fact]
    public async Task Publishing_task_requests_approval_before_completing()
    {
        var context = LeafTask("Publish the launch post on our blog", "Write it and publish it on Monday.");

        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(context));

        calls.Select(c => c.Name).Should().Equal("write_worklog", "create_artifact", "request_approval", "complete_task");
        Arguments(calls[1]).GetProperty("kind").GetString().Should().Be("post");
        Arguments(calls[2]).GetProperty("action").GetString().Should().Be("Publish 'Publish the launch post on our blog'");
        Arguments(calls[3]).GetProperty("result").GetString().Should().Contain("Approved by the CEO");
    }

    [Fact]
    public async Task Spending_task_names_the_amount_in_the_approval()
    {
        var context = LeafTask("Renew the design tool licences", "Buy 5 seats for $1,200 per year.");

        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(context));

        Arguments(calls.Single(c => c.Name == "request_approval")).GetProperty("action").GetString().Should().Be("Spend $1,200 for 'Renew the design tool licences'");
    }

    [Fact]
    public async Task Pending_approval_waits_and_a_rejection_completes_without_publishing()
    {
        var model = AgentLoop.Offline();
        var context = LeafTask("Publish the newsletter", "Send it to subscribers.");
        var (calls, waiting, _) = await AgentLoop.RunAsync(model, AgentLoop.Request(context),
            call => call.Name == "request_approval" ? """{"status":"pending"}""" : """{"ok":true}""");

        calls.Select(c => c.Name).Should().Equal("write_worklog", "create_artifact", "request_approval");
        waiting.ToolCalls.Should().BeEmpty();
        waiting.Text.Should().StartWith("Waiting for the CEO to approve");

        var resumed = AgentLoop.Request(context with { DoneSteps = ["write_worklog", "create_artifact", "request_approval:rejected"] });
        var (after, _, _) = await AgentLoop.RunAsync(model, resumed);

        after.Select(c => c.Name).Should().Equal("complete_task");
        Arguments(after[0]).GetProperty("result").GetString().Should().Contain("declined").And.Contain("nothing was published");
    }

    [Fact]
    public async Task Done_steps_from_an_earlier_run_are_not_repeated()
    {
        var context = ManagerTask() with { DoneSteps = ["write_worklog", "delegate_task:8"] };

        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(context));

        calls.Select(c => c.Name).Should().Equal("delegate_task", "delegate_task", "complete_task");
        calls.Take(2).Select(c => Arguments(c).GetProperty("to_agent_id").GetInt64()).Should().Equal(9, 10);
    }

    [Fact]
    public async Task After_complete_task_it_answers_with_text_only()
    {
        var model = AgentLoop.Offline();
        var request = AgentLoop.Request(LeafTask() with { DoneSteps = ["complete_task"] });

        var response = await model.CompleteAsync(request, CancellationToken.None);

        response.ToolCalls.Should().BeEmpty();
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_task_terminates_within_a_bounded_number_of_turns(bool failingTools)
    {
        var model = AgentLoop.Offline();
        var contexts = new[]
        {
            ManagerTask(),
            LeafTask(),
            LeafTask("Publish the press release", "Announce the partnership."),
            ManagerTask() with { Task = new TaskRef(1, "Launch", string.Join('\n', Enumerable.Range(1, 20).Select(i => $"- Part {i}"))) },
            new AgentContext(),
        };

        foreach (var context in contexts)
        {
            var (calls, _, turns) = await AgentLoop.RunAsync(model, AgentLoop.Request(context),
                _ => failingTools ? """{"error":"denied by policy"}""" : """{"ok":true}""", maxTurns: OfflineChatModel.MaxSteps + 2);
            turns.Should().BeLessThanOrEqualTo(OfflineAgent.MaxParts + 3);
            calls.Select(c => c.Name).Distinct().Should().OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public async Task Long_conversations_are_cut_short_by_completing()
    {
        var model = AgentLoop.Offline();
        var messages = new List<ChatMessage> { AgentLoop.Request(LeafTask()).Messages[0] };
        for (var i = 0; i < OfflineChatModel.MaxSteps; i++)
        {
            messages.Add(ChatMessage.User($"Keep going {i}"));
            messages.Add(ChatMessage.Assistant($"Working {i}"));
        }

        var response = await model.CompleteAsync(new ChatRequest { Messages = messages, Tools = StandardTools.All }, CancellationToken.None);

        response.ToolCalls.Should().ContainSingle().Which.Name.Should().Be("complete_task");
    }

    [Fact]
    public async Task Arguments_follow_the_schema_the_loop_offers()
    {
        var tools = new[]
        {
            ToolDefinition.Create("write_worklog", "Log", """{"type":"object","properties":{"entry":{"type":"string"},"visibility":{"type":"string","enum":["Private","Project"]}},"required":["entry","visibility"]}"""),
            ToolDefinition.Create("delegate_task", "Delegate", """{"type":"object","properties":{"assignee":{"type":"string"},"subject":{"type":"string"},"urgent":{"type":"boolean"}},"required":["assignee","subject","urgent"]}"""),
            ToolDefinition.Create("complete_task", "Done", """{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}"""),
        };

        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), AgentLoop.Request(ManagerTask(), tools));

        var log = Arguments(calls[0]);
        log.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("entry", "visibility");
        log.GetProperty("visibility").GetString().Should().Be("Private");
        var delegation = Arguments(calls[1]);
        delegation.GetProperty("assignee").GetString().Should().Be("8");
        delegation.GetProperty("subject").GetString().Should().Be("Write the announcement blog copy");
        delegation.GetProperty("urgent").GetBoolean().Should().BeFalse();
        Arguments(calls[^1]).GetProperty("summary").GetString().Should().StartWith("Delegated");
    }

    [Fact]
    public async Task Role_comes_from_the_system_prompt_when_there_is_no_context_block()
    {
        var request = new ChatRequest
        {
            Messages = [ChatMessage.System("You are Eve Chen, a backend engineer in the Platform team."), ChatMessage.User("Add rate limiting to the public API")],
            Tools = StandardTools.All,
        };

        var (calls, _, _) = await AgentLoop.RunAsync(AgentLoop.Offline(), request);

        calls.Select(c => c.Name).Should().Equal("write_worklog", "create_artifact", "complete_task");
        Arguments(calls[1]).GetProperty("content").GetString().Should().Contain("Eve Chen, backend engineer").And.Contain("## Implementation plan");
        Arguments(calls[1]).TryGetProperty("task_id", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Latency_is_applied_and_cancellable()
    {
        var request = AgentLoop.Request(LeafTask());

        var answer = await AgentLoop.Offline(latencyMs: 200).CompleteAsync(request, CancellationToken.None);
        answer.Duration.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(195));

        using var cancel = new CancellationTokenSource();
        var cancelled = AgentLoop.Offline(latencyMs: 600_000).CompleteAsync(request, cancel.Token);
        cancelled.IsCompleted.Should().BeFalse();
        await cancel.CancelAsync();
        await cancelled.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Context_block_round_trips_with_snake_case_keys()
    {
        var context = ManagerTask() with { DoneSteps = ["write_worklog"] };

        var block = context.ToPromptBlock();
        AgentContext.TryParse($"Intro text\n{block}\nMore text", out var parsed).Should().BeTrue();

        block.Should().Contain("\"done_steps\":[\"write_worklog\"]").And.Contain("\"subordinates\":[{\"id\":8");
        parsed!.Task.Should().Be(context.Task);
        parsed.Subordinates.Should().Equal(context.Subordinates);
        parsed.DoneSteps.Should().Equal("write_worklog");
        AgentContext.TryParse("""<fluid-context>{"agent":{"id":"7","name":"A","role":"CEO"}}</fluid-context>""", out var loose).Should().BeTrue();
        loose!.Agent!.Id.Should().Be(7);
    }
}
