using System.Diagnostics;
using FluidManager.Models.Offline;
using FluidManager.Models.Scripted;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FluidManager.Models.Tests;

/// <summary>Model calls emit gen_ai spans and metrics under <see cref="ModelTelemetry.SourceName"/>.</summary>
public sealed class ModelTelemetryTests : IAsyncLifetime
{
    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_model_call_emits_a_gen_ai_span_with_the_model_and_token_usage_and_the_gen_ai_metrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ModelTelemetry.SourceName).AddInMemoryExporter(spans).Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(ModelTelemetry.SourceName).AddInMemoryExporter(metrics).Build();
        _server.EnqueueChat(new FakeReply(200, FakeOpenAIServer.Completion("Traced.", promptTokens: 123, completionTokens: 45, model: "telemetry-model")));
        var settings = Microsoft.Extensions.Options.Options.Create(new ModelsOptions
        {
            Allowed = ["openai:telemetry-model"],
            Default = "openai:telemetry-model",
            Prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase) { ["telemetry-model"] = new() { InputPerMillion = 1m, OutputPerMillion = 2m } },
            OpenAI = { BaseUrl = _server.BaseUrl, ApiKey = "sk-test" },
        });
        using var catalog = new ModelCatalog(settings, new OfflineChatModel(settings), new ScenarioLibrary(settings), new ModelPricing(settings));

        await catalog.Resolve("openai:telemetry-model").CompleteAsync(new ChatRequest { Messages = [ChatMessage.User("Hello?")], MaxOutputTokens = 64 }, CancellationToken.None);
        tracing.ForceFlush();
        meters.ForceFlush();

        var span = spans.Should().ContainSingle(a => (string?)a.GetTagItem("gen_ai.request.model") == "telemetry-model").Subject;
        span.DisplayName.Should().Be("chat telemetry-model");
        span.GetTagItem("gen_ai.operation.name").Should().Be("chat");
        span.GetTagItem("gen_ai.response.model").Should().Be("telemetry-model");
        span.GetTagItem("gen_ai.request.max_tokens").Should().Be(64);
        span.GetTagItem("gen_ai.usage.input_tokens").Should().Be(123);
        span.GetTagItem("gen_ai.usage.output_tokens").Should().Be(45);
        span.Status.Should().NotBe(ActivityStatusCode.Error);
        metrics.Select(m => m.Name).Should().Contain(["gen_ai.client.token.usage", "gen_ai.client.operation.duration"]);
    }

    [Fact]
    public async Task Offline_calls_are_traced_with_their_counted_usage()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ModelTelemetry.SourceName).AddInMemoryExporter(spans).Build();
        var settings = Microsoft.Extensions.Options.Options.Create(new ModelsOptions());
        using var catalog = new ModelCatalog(settings, new OfflineChatModel(settings), new ScenarioLibrary(settings), new ModelPricing(settings));
        var marker = $"marker-{Guid.NewGuid():N}";

        var reply = await catalog.Resolve("offline").CompleteAsync(new ChatRequest { Messages = [ChatMessage.System("You are the CFO."), ChatMessage.User($"Summarise the budget {marker}.")] }, CancellationToken.None);
        tracing.ForceFlush();

        // Spans carry no message contents, so this test's span is the offline one with exactly its usage.
        var span = spans.Where(a => (string?)a.GetTagItem("gen_ai.request.model") == "offline")
            .Should().Contain(a => Equals(a.GetTagItem("gen_ai.usage.input_tokens"), reply.Usage.InputTokens) && Equals(a.GetTagItem("gen_ai.usage.output_tokens"), reply.Usage.OutputTokens)).Subject;
        reply.Usage.InputTokens.Should().Be(TokenEstimator.CountInput(
            [ChatMessage.System("You are the CFO."), ChatMessage.User($"Summarise the budget {marker}.")], [], "offline"));
        span.Should().NotBeNull();
    }
}
