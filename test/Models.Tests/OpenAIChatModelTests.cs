using System.Net;
using System.Text.Json.Nodes;
using FluidManager.Models.Offline;
using FluidManager.Models.Scripted;

namespace FluidManager.Models.Tests;

public sealed class OpenAIChatModelTests : IAsyncLifetime
{
    private const string ApiKey = "sk-test-secret-key";

    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAIModelOptions Options(TimeSpan? timeout = null, int maxRetries = 3) => new()
    {
        BaseUrl = _server.BaseUrl,
        ApiKey = ApiKey,
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
        MaxRetries = maxRetries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromSeconds(5),
    };

    /// <summary>The client the catalogue resolves for <c>openai:&lt;name&gt;</c>, with its whole pipeline (resilient HTTP, usage, errors, telemetry).</summary>
    private static IChatClient Model(string name, OpenAIModelOptions options)
    {
        var settings = Microsoft.Extensions.Options.Options.Create(new ModelsOptions
        {
            Allowed = ["openai:*"],
            Default = $"openai:{name}",
            Prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase) { ["openai"] = new() { InputPerMillion = 1m, OutputPerMillion = 2m } },
            OpenAI = options,
        });
        return new ModelCatalog(settings, new OfflineChatModel(settings), new ScenarioLibrary(settings), new ModelPricing(settings)).Resolve($"openai:{name}");
    }

    private static ChatRequest Conversation() => new()
    {
        Messages =
        [
            ChatMessage.System("You are Ada, the CMO."),
            ChatMessage.User("Launch the spring campaign."),
            ChatMessage.Assistant("Noting the plan.", [FunctionCallContent.FromJson("call_1", "write_worklog", """{"body":"plan"}""")]),
            ChatMessage.Tool("call_1", """{"ok":true}"""),
        ],
        Tools = [StandardTools.WriteWorklogDefinition, StandardTools.DelegateTaskDefinition],
        Temperature = 0.2f,
        MaxOutputTokens = 256,
        Seed = 42,
    };

    [Fact]
    public async Task Request_carries_messages_tool_calls_tools_and_limits_in_the_protocol_shape()
    {
        var model = Model("gpt-4o-mini", Options());

        await model.CompleteAsync(Conversation(), CancellationToken.None);

        var request = _server.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/v1/chat/completions");
        request.Authorization.Should().Be($"Bearer {ApiKey}");
        var body = request.Body;
        body["model"]!.GetValue<string>().Should().Be("gpt-4o-mini");
        body["max_completion_tokens"]!.GetValue<int>().Should().Be(256);
        body["temperature"]!.GetValue<float>().Should().BeApproximately(0.2f, 0.0001f);
        body["seed"]!.GetValue<long>().Should().Be(42);
        var messages = body["messages"]!.AsArray();
        messages.Select(m => m!["role"]!.GetValue<string>()).Should().Equal("system", "user", "assistant", "tool");
        var call = messages[2]!["tool_calls"]![0]!;
        call["id"]!.GetValue<string>().Should().Be("call_1");
        call["function"]!["name"]!.GetValue<string>().Should().Be("write_worklog");
        // The arguments are the same JSON object; the adapter writes them indented.
        JsonNode.DeepEquals(JsonNode.Parse(call["function"]!["arguments"]!.GetValue<string>()), JsonNode.Parse("""{"body":"plan"}""")).Should().BeTrue();
        messages[3]!["tool_call_id"]!.GetValue<string>().Should().Be("call_1");
        var tools = body["tools"]!.AsArray();
        tools.Select(t => t!["function"]!["name"]!.GetValue<string>()).Should().Equal("write_worklog", "delegate_task");
        tools[1]!["function"]!["parameters"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("to_agent_id", "title");
    }

    [Fact]
    public async Task Response_tool_calls_usage_and_finish_reason_are_mapped()
    {
        _server.EnqueueChat(new FakeReply(200, FakeOpenAIServer.Completion(
            null,
            [("call_9", "delegate_task", """{"to_agent_id":8,"title":"Write the post"}""")],
            "tool_calls",
            promptTokens: 321,
            completionTokens: 45)));
        var model = Model("gpt-4o-mini", Options());

        var response = await model.CompleteAsync(Conversation(), CancellationToken.None);

        response.Model.Should().Be("gpt-4o-mini");
        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        response.Usage.Should().Be(new Usage(321, 45));
        response.Text.Should().BeEmpty();
        var call = response.ToolCalls.Should().ContainSingle().Subject;
        call.Should().Be(new ToolCall("call_9", "delegate_task", """{"to_agent_id":8,"title":"Write the post"}"""));
        response.Duration.Should().BePositive();
    }

    [Fact]
    public async Task Text_answer_is_mapped_with_stop()
    {
        _server.EnqueueChat(new FakeReply(200, FakeOpenAIServer.Completion("All done.", promptTokens: 20, completionTokens: 3)));
        var model = Model("gpt-4o-mini", Options());

        var response = await model.CompleteAsync(new ChatRequest { Messages = [ChatMessage.User("Hi")] }, CancellationToken.None);

        response.Text.Should().Be("All done.");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.ToolCalls.Should().BeEmpty();
        response.Usage.Should().Be(new Usage(20, 3));
    }

    [Fact]
    public async Task Rate_limit_with_Retry_After_waits_that_long_then_succeeds()
    {
        _server.EnqueueChat(FakeReply.Error(429, "Slow down", new Dictionary<string, string> { ["Retry-After"] = "1" }));
        var model = Model("gpt-4o-mini", Options());

        var response = await model.CompleteAsync(Conversation(), CancellationToken.None);

        response.Text.Should().Be("Hello from the fake server.");
        var requests = _server.Requests;
        requests.Should().HaveCount(2);
        (requests[1].At - requests[0].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
    }

    [Fact]
    public async Task Server_error_is_retried_then_succeeds()
    {
        _server.EnqueueChat(FakeReply.Error(500, "Internal error"));
        var model = Model("gpt-4o-mini", Options());

        var response = await model.CompleteAsync(Conversation(), CancellationToken.None);

        response.Text.Should().Be("Hello from the fake server.");
        _server.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Retries_are_bounded_and_the_error_names_status_and_attempts()
    {
        _server.EnqueueChat(Enumerable.Repeat(FakeReply.Error(503, "Overloaded"), 5).ToArray());
        var model = Model("gpt-4o-mini", Options(maxRetries: 2));

        var act = () => model.CompleteAsync(Conversation(), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<ModelCallException>()).Which;
        error.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        error.Attempts.Should().Be(3);
        error.Message.Should().Contain("503").And.Contain("3 attempt").And.Contain("Overloaded");
        _server.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task Retry_After_longer_than_the_maximum_fails_at_once()
    {
        _server.EnqueueChat(FakeReply.Error(429, "Quota", new Dictionary<string, string> { ["Retry-After"] = "3600" }));
        var model = Model("gpt-4o-mini", Options());

        var act = () => model.CompleteAsync(Conversation(), CancellationToken.None);

        (await act.Should().ThrowAsync<ModelCallException>()).Which.Message.Should().Contain("3600 s").And.Contain("Fluid:Models:OpenAI:MaxRetryDelay");
        _server.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_and_never_reveal_the_key()
    {
        _server.EnqueueChat(FakeReply.Error(401, "Incorrect API key provided"));
        var model = Model("gpt-4o-mini", Options());

        var act = () => model.CompleteAsync(Conversation(), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<ModelCallException>()).Which;
        error.Status.Should().Be(HttpStatusCode.Unauthorized);
        error.Message.Should().Contain("Fluid:Models:OpenAI:ApiKey").And.NotContain(ApiKey);
        error.ToString().Should().NotContain(ApiKey);
        _server.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task Slow_answer_times_out_with_a_clear_error()
    {
        _server.EnqueueChat(new FakeReply(200, FakeOpenAIServer.Completion("late"), Delay: TimeSpan.FromSeconds(10)));
        var model = Model("gpt-4o-mini", Options(timeout: TimeSpan.FromMilliseconds(300)));

        var act = () => model.CompleteAsync(Conversation(), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<ModelCallException>()).Which;
        error.TimedOut.Should().BeTrue();
        error.Message.Should().Contain("0.3 s").And.Contain("Fluid:Models:OpenAI:Timeout");
        _server.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_model_error()
    {
        _server.EnqueueChat(new FakeReply(200, FakeOpenAIServer.Completion("late"), Delay: TimeSpan.FromSeconds(10)));
        var model = Model("gpt-4o-mini", Options());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var act = () => model.CompleteAsync(Conversation(), cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Missing_usage_is_counted_with_the_model_tokenizer()
    {
        var body = FakeOpenAIServer.Completion("tiktoken is great!");
        body.Remove("usage");
        _server.EnqueueChat(new FakeReply(200, body));
        var model = Model("llama3", Options());

        var response = await model.CompleteAsync(new ChatRequest { Messages = [ChatMessage.User("tiktoken is great!")] }, CancellationToken.None);

        // o200k_base (the default for a model the tokenizer does not know) reads "tiktoken is great!" as 6 tokens.
        response.Usage.OutputTokens.Should().Be(6);
        response.Usage.InputTokens.Should().Be(TokenEstimator.PerRequestOverhead + TokenEstimator.PerMessageOverhead + 6);
        response.Response.Usage!.TotalTokenCount.Should().Be(response.Usage.TotalTokens);
    }

    [Fact]
    public async Task Transient_503_is_retried_by_the_resilience_handler_and_succeeds()
    {
        _server.EnqueueChat(FakeReply.Error(503, "Overloaded"));
        var model = Model("gpt-4o-mini", Options());

        var response = await model.CompleteAsync(Conversation(), CancellationToken.None);

        response.Text.Should().Be("Hello from the fake server.");
        response.Usage.Should().Be(new Usage(11, 7));
        var requests = _server.Requests;
        requests.Should().HaveCount(2);
        requests.Select(r => r.Body.ToJsonString()).Distinct().Should().ContainSingle("the retry sends the same request");
    }

    [Fact]
    public async Task Tools_come_back_as_function_calls_and_are_never_run_by_the_client()
    {
        _server.EnqueueChat(new FakeReply(200, FakeOpenAIServer.Completion(
            null, [("call_1", "write_worklog", """{"body":"plan"}"""), ("call_2", "complete_task", """{"result":"done"}""")], "tool_calls")));
        var model = Model("gpt-4o-mini", Options());

        var response = await model.CompleteAsync(Conversation(), CancellationToken.None);

        response.Response.Messages.Should().ContainSingle().Which.Role.Should().Be(ChatRole.Assistant);
        response.Response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Should().BeEmpty();
        response.ToolCalls.Should().Equal(new ToolCall("call_1", "write_worklog", """{"body":"plan"}"""), new ToolCall("call_2", "complete_task", """{"result":"done"}"""));
        _server.Requests.Should().ContainSingle("the client returns the calls instead of running them and calling again");
    }
}
