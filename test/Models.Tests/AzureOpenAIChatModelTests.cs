using FluidManager.Models.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FluidManager.Models.Tests;

/// <summary>Azure OpenAI through Azure.AI.OpenAI, against a local server answering the Azure deployment path.</summary>
public sealed class AzureOpenAIChatModelTests : IAsyncLifetime
{
    private const string Key = "azure-test-secret-key";

    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private IHost Build(string? apiKey)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fluid:Models:Default"] = "azure:chat-deployment",
            ["Fluid:Models:Allowed:0"] = "azure:*",
            ["Fluid:Models:Prices:chat-deployment:InputPerMillion"] = "0.15",
            ["Fluid:Models:Prices:chat-deployment:OutputPerMillion"] = "0.60",
            ["Fluid:Models:Azure:Endpoint"] = _server.Root,
            ["Fluid:Models:Azure:ApiKey"] = apiKey,
            ["Fluid:Models:Azure:Timeout"] = "00:00:10",
            ["Fluid:Models:Azure:RetryBaseDelay"] = "00:00:00.020",
        });
        builder.AddModels();
        return builder.Build();
    }

    [Fact]
    public async Task Chat_goes_to_the_deployment_path_with_the_api_key_and_maps_the_answer()
    {
        _server.EnqueueChat(new FakeReply(200, FakeOpenAIServer.Completion(
            "Drafted.", [("call_7", "write_worklog", """{"body":"draft"}""")], "tool_calls", promptTokens: 40, completionTokens: 12)));
        using var host = Build(Key);
        var model = host.Services.GetRequiredService<IChatModelProvider>().Resolve(null);

        var response = await model.CompleteAsync(
            new ChatRequest { Messages = [ChatMessage.System("You are Ada."), ChatMessage.User("Plan the launch.")], Tools = [StandardTools.WriteWorklogDefinition], MaxOutputTokens = 300 },
            CancellationToken.None);

        response.Text.Should().Be("Drafted.");
        response.ToolCalls.Should().Equal(new ToolCall("call_7", "write_worklog", """{"body":"draft"}"""));
        response.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        response.Usage.Should().Be(new Usage(40, 12));
        model.ToString().Should().Be("azure:chat-deployment");
        var request = _server.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/openai/deployments/chat-deployment/chat/completions");
        request.Query.Should().StartWith("?api-version=").And.MatchRegex(@"api-version=\d{4}-\d{2}-\d{2}");
        request.ApiKey.Should().Be(Key);
        request.Body["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()).Should().Equal("system", "user");
        request.Body["tools"]![0]!["function"]!["name"]!.GetValue<string>().Should().Be("write_worklog");
    }

    [Fact]
    public async Task Transient_503_from_Azure_is_retried_and_succeeds()
    {
        _server.EnqueueChat(FakeReply.Error(503, "The service is busy"));
        using var host = Build(Key);
        var model = host.Services.GetRequiredService<IChatModelProvider>().Resolve("azure:chat-deployment");

        var response = await model.CompleteAsync(new ChatRequest { Messages = [ChatMessage.User("Hello?")] }, CancellationToken.None);

        response.Text.Should().Be("Hello from the fake server.");
        _server.Requests.Should().HaveCount(2).And.AllSatisfy(r => r.Path.Should().Be("/openai/deployments/chat-deployment/chat/completions"));
    }

    [Fact]
    public async Task Refused_key_names_the_Azure_setting_and_never_shows_the_key()
    {
        _server.EnqueueChat(FakeReply.Error(401, "Access denied due to invalid subscription key"));
        using var host = Build(Key);
        var model = host.Services.GetRequiredService<IChatModelProvider>().Resolve("azure:chat-deployment");

        var act = () => model.CompleteAsync(new ChatRequest { Messages = [ChatMessage.User("Hello?")] }, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<ModelCallException>()).Which;
        error.Status.Should().Be(System.Net.HttpStatusCode.Unauthorized);
        error.Message.Should().Contain("Fluid:Models:Azure:ApiKey").And.NotContain(Key);
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Without_a_key_the_client_authenticates_with_Entra_ID_and_says_so_when_no_identity_is_available()
    {
        using var host = Build(apiKey: null);
        var model = host.Services.GetRequiredService<IChatModelProvider>().Resolve("azure:chat-deployment");

        var act = () => model.CompleteAsync(new ChatRequest { Messages = [ChatMessage.User("Hello?")] }, CancellationToken.None);

        // This machine has no managed identity, environment credential or Azure CLI login: no token, so no request is sent.
        (await act.Should().ThrowAsync<ModelCallException>()).Which.Message.Should().Contain("Entra ID").And.Contain("Fluid:Models:Azure:ApiKey");
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public void Azure_model_without_an_endpoint_is_refused_at_start_up()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fluid:Models:Allowed:0"] = "offline",
            ["Fluid:Models:Allowed:1"] = "azure:gpt4o",
            ["Fluid:Models:Prices:azure:InputPerMillion"] = "1",
            ["Fluid:Models:Prices:azure:OutputPerMillion"] = "1",
        });
        builder.AddModels();
        using var host = builder.Build();

        var act = () => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ModelsOptions>>().Value;

        act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().Which.Failures
            .Should().ContainSingle(f => f.Contains("Fluid:Models:Azure:Endpoint"));
    }
}
