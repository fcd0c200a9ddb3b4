using System.Text.Json.Nodes;
using FluidManager.Models.Embeddings;
using FluidManager.Models.OpenAICompatible;

namespace FluidManager.Models.Tests;

/// <summary>The OpenAI-compatible embedding model against a local server speaking the OpenAI protocol.</summary>
public sealed class OpenAIEmbeddingModelTests : IAsyncLifetime
{
    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAIModelOptions Options() => new()
    {
        BaseUrl = _server.BaseUrl,
        ApiKey = "sk-test-secret-key",
        Timeout = TimeSpan.FromSeconds(10),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Embeddings_come_from_the_endpoint_with_the_requested_dimensions_and_usage()
    {
        var model = new OpenAIEmbeddingModel("text-embedding-3-small", 16, Options());

        var result = await model.GenerateAsync(["first text", "a second, longer text"]);

        model.ModelId().Should().Be("openai:text-embedding-3-small");
        model.Dimensions().Should().Be(16);
        result.Should().HaveCount(2).And.AllSatisfy(e => e.Vector.Length.Should().Be(16));
        result[0].Vector.ToArray().Should().NotEqual(result[1].Vector.ToArray());
        result.Usage!.InputTokenCount.Should().BeGreaterThan(0);
        var request = _server.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/v1/embeddings");
        request.Body["dimensions"]!.GetValue<int>().Should().Be(16);
        request.Body["input"]!.AsArray().Select(i => i!.GetValue<string>()).Should().Equal("first text", "a second, longer text");
    }

    [Fact]
    public async Task Embeddings_of_the_wrong_length_name_the_setting_to_change()
    {
        _server.EnqueueEmbeddings(new FakeReply(200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject { ["object"] = "embedding", ["index"] = 0, ["embedding"] = new JsonArray(0.1f, 0.2f, 0.3f) }),
            ["model"] = "nomic-embed-text",
            ["usage"] = new JsonObject { ["prompt_tokens"] = 2, ["total_tokens"] = 2 },
        }));
        var model = new OpenAIEmbeddingModel("nomic-embed-text", 16, Options(), sendDimensions: false);

        var act = () => model.GenerateAsync(["text"]);

        (await act.Should().ThrowAsync<ModelCallException>()).Which.Message.Should().Contain("Fluid:Models:Embeddings:Dimensions").And.Contain("3 values");
        _server.Requests.Single().Body["dimensions"].Should().BeNull();
    }

    [Fact]
    public async Task Embeddings_retry_after_a_server_error()
    {
        _server.EnqueueEmbeddings(FakeReply.Error(502, "Bad gateway"));
        var model = new OpenAIEmbeddingModel("text-embedding-3-small", 8, Options());

        var result = await model.GenerateAsync(["hello"]);

        result.Should().ContainSingle();
        _server.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_1536_dimension_model_is_an_embedding_generator_of_1536_values()
    {
        IEmbeddingGenerator<string, Embedding<float>> model = new OpenAIEmbeddingModel("text-embedding-3-large", 1536, Options());

        var vector = await model.EmbedAsync("quarterly sales report", CancellationToken.None);

        vector.Should().HaveCount(1536);
        model.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions.Should().Be(1536);
        _server.Requests.Single().Body["dimensions"]!.GetValue<int>().Should().Be(1536);
    }
}
