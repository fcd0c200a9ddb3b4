using FluidManager.Models.Scripted;
using Microsoft.Extensions.Options;

namespace FluidManager.Models.Tests;

public sealed class ScriptedChatModelTests
{
    private static readonly string ScenarioFolder = Path.Combine(AppContext.BaseDirectory, "Scenarios");

    private static ScenarioLibrary Library(string? path = null) =>
        new(Options.Create(new ModelsOptions { Scripted = { ScenarioPath = path ?? ScenarioFolder } }));

    private static ChatRequest Ask(AgentRef agent, string task, params ChatMessage[] more) => new()
    {
        Messages =
        [
            ChatMessage.System($"You are {agent.Name}.\n" + new AgentContext { Agent = agent, Task = new TaskRef(1, task) }.ToPromptBlock()),
            ChatMessage.User(task),
            .. more,
        ],
        Tools = StandardTools.All,
    };

    private static readonly AgentRef Ada = new(7, "Ada Lovelace", "CMO", "Marketing");
    private static readonly AgentRef Bob = new(8, "Bob Stone", "Copywriter", "Marketing");

    [Fact]
    public async Task Replays_prepared_turns_with_tool_calls_and_usage()
    {
        var model = Library().GetModel("launch");

        var first = await model.CompleteAsync(Ask(Ada, "Launch the spring range"), CancellationToken.None);
        var second = await model.CompleteAsync(Ask(Ada, "Launch the spring range", first.ToMessage(), ChatMessage.Tool("call_ada_1", "delegated as task #9")), CancellationToken.None);

        first.Model.Should().Be("scripted:launch");
        first.Text.Should().Be("Splitting the launch.");
        first.ToolCalls.Should().Equal(new ToolCall("call_ada_1", "delegate_task", """{"to_agent_id":8,"title":"Write the launch post"}"""));
        first.Usage.Should().Be(new Usage(420, 38));
        first.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        second.ToolCalls.Should().ContainSingle().Which.Should().Be(new ToolCall("call_launch_2_1_1", "complete_task", """{"result":"Delegated the post to Bob."}"""));
        second.Usage.InputTokens.Should().Be(TokenEstimator.EstimateInput(Ask(Ada, "Launch the spring range", first.ToMessage(), ChatMessage.Tool("call_ada_1", "delegated as task #9"))));
    }

    [Fact]
    public async Task Turns_match_on_role_and_task_and_single_use_turns_are_consumed()
    {
        var model = Library().GetModel("launch");

        var post = await model.CompleteAsync(Ask(Bob, "Write the launch post"), CancellationToken.None);
        var again = await model.CompleteAsync(Ask(Bob, "Write the launch post"), CancellationToken.None);
        var andAgain = await model.CompleteAsync(Ask(Bob, "Write the launch post"), CancellationToken.None);

        post.Text.Should().Be("Here is the post: Spring is here.");
        post.FinishReason.Should().Be(ChatFinishReason.Stop);
        again.Text.Should().Be("Anything else?");
        andAgain.Text.Should().Be("Anything else?");
    }

    [Fact]
    public async Task Unmatched_request_names_what_was_asked_and_what_is_left()
    {
        var model = Library().GetModel("launch");
        await model.CompleteAsync(Ask(Ada, "Launch the spring range"), CancellationToken.None);

        var act = () => model.CompleteAsync(Ask(new AgentRef(11, "Zed Quinn", "CFO", "Finance"), "Close the books"), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<ScenarioMismatchException>()).Which;
        error.Scenario.Should().Be("launch");
        error.Message.Should().Contain("agent 'Zed Quinn'").And.Contain("role 'CFO Finance'").And.Contain("task 'Close the books'")
            .And.Contain("1 of 4 turns used").And.Contain("#2 agent~'Ada', lastMessage~'delegated'").And.NotContain("#1 ");
    }

    [Fact]
    public async Task Concurrent_callers_never_share_a_single_use_turn()
    {
        var scenario = new Scenario
        {
            Name = "parallel",
            Turns = [.. Enumerable.Range(1, 50).Select(i => new ScenarioTurn { Agent = "Bob", Text = $"answer {i}" })],
        };
        var model = new ScriptedChatModel(scenario);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => model.CompleteAsync(Ask(Bob, "Anything"), CancellationToken.None))));

        answers.Select(a => a.Text).Should().OnlyHaveUniqueItems().And.HaveCount(50);
        model.UsedTurns.Should().Be(50);
        await model.Invoking(m => m.CompleteAsync(Ask(Bob, "Anything"), CancellationToken.None)).Should().ThrowAsync<ScenarioMismatchException>();
    }

    [Fact]
    public async Task Scenarios_added_in_code_and_without_a_context_block_match_on_prompt_text()
    {
        var library = Library();
        library.Add(Scenario.Parse("""{"turns":[{"role":"auditor","task":"expenses","text":"Audited."}]}""", "audit"));

        var answer = await library.GetModel("audit").CompleteAsync(
            new ChatRequest { Messages = [ChatMessage.System("You are the internal auditor."), ChatMessage.User("Check the expenses of May")] },
            CancellationToken.None);

        answer.Text.Should().Be("Audited.");
        answer.Model.Should().Be("scripted:audit");
    }

    [Fact]
    public void Unknown_scenario_names_the_file_and_the_setting()
    {
        var act = () => Library().GetModel("missing");

        act.Should().Throw<ModelConfigurationException>().Which.Message.Should().Contain("missing.json").And.Contain("Fluid:Models:Scripted:ScenarioPath");
        Library().Invoking(l => l.GetModel("../etc")).Should().Throw<ModelConfigurationException>();
    }
}
