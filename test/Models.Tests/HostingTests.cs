using FluidManager.Models.Embeddings;
using FluidManager.Models.Hosting;
using FluidManager.Models.OpenAICompatible;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FluidManager.Models.Tests;

public sealed class HostingTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddModels();
        return builder.Build();
    }

    private static string[] Errors(Dictionary<string, string?> settings)
    {
        using var host = Build(settings);
        var act = () => host.Services.GetRequiredService<IOptions<ModelsOptions>>().Value;
        return [.. act.Should().Throw<OptionsValidationException>().Which.Failures];
    }

    [Fact]
    public async Task Without_configuration_everything_runs_offline()
    {
        using var host = Build([]);
        await host.StartAsync();

        var provider = host.Services.GetRequiredService<IChatModelProvider>();
        var response = await provider.Resolve(null).CompleteAsync(new ChatRequest { Messages = [ChatMessage.User("Hello?")] }, CancellationToken.None);
        var embeddings = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        response.Model.Should().Be("offline");
        embeddings.Should().BeOfType<MiniLMEmbeddingModel>();
        embeddings.ModelId().Should().Be("offline:minilm");
        embeddings.Dimensions().Should().Be(384);
        host.Services.GetRequiredService<ModelPricing>().Cost("offline", new Usage(1000, 1000)).Should().Be(0);
        await host.StopAsync();
    }

    [Fact]
    public void Settings_bind_from_the_Fluid_Models_section()
    {
        using var host = Build(new()
        {
            ["Fluid:Models:Default"] = "openai:gpt-4o-mini",
            ["Fluid:Models:Allowed:0"] = "offline",
            ["Fluid:Models:Allowed:1"] = "openai:gpt-4o-mini",
            ["Fluid:Models:Prices:gpt-4o-mini:InputPerMillion"] = "0.15",
            ["Fluid:Models:Prices:gpt-4o-mini:OutputPerMillion"] = "0.60",
            ["Fluid:Models:Prices:text-embedding-3-small:InputPerMillion"] = "0.02",
            ["Fluid:Models:OpenAI:ApiKey"] = "sk-test",
            ["Fluid:Models:OpenAI:BaseUrl"] = "http://127.0.0.1:9/v1",
            ["Fluid:Models:OpenAI:Timeout"] = "00:00:30",
            ["Fluid:Models:OpenAI:MaxRetries"] = "2",
            ["Fluid:Models:Offline:LatencyMs"] = "250",
            ["Fluid:Models:Scripted:ScenarioPath"] = "Scenarios",
            ["Fluid:Models:Embeddings:Model"] = "openai:text-embedding-3-small",
            ["Fluid:Models:Embeddings:Dimensions"] = "512",
        });

        var options = host.Services.GetRequiredService<IOptions<ModelsOptions>>().Value;
        var provider = host.Services.GetRequiredService<IChatModelProvider>();

        options.OpenAI.Timeout.Should().Be(TimeSpan.FromSeconds(30));
        options.OpenAI.MaxRetries.Should().Be(2);
        options.Offline.LatencyMs.Should().Be(250);
        options.Prices["gpt-4o-mini"].OutputPerMillion.Should().Be(0.60m);
        provider.DefaultModel.Should().Be("openai:gpt-4o-mini");
        provider.Allowed.Should().Equal("offline", "openai:gpt-4o-mini");
        host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().Should().BeOfType<OpenAIEmbeddingModel>().Which.Dimensions.Should().Be(512);
    }

    [Fact]
    public void Allowed_openai_model_without_a_key_names_the_key_to_set()
    {
        var errors = Errors(new()
        {
            ["Fluid:Models:Allowed:0"] = "offline",
            ["Fluid:Models:Allowed:1"] = "openai:*",
        });

        errors.Should().ContainSingle().Which.Should().Contain("Fluid:Models:OpenAI:ApiKey").And.Contain("openai:*");
    }

    [Fact]
    public void Allowed_openai_model_without_a_price_names_the_price_key()
    {
        var errors = Errors(new()
        {
            ["Fluid:Models:Allowed:0"] = "openai:gpt-4.1",
            ["Fluid:Models:Default"] = "openai:gpt-4.1",
            ["Fluid:Models:OpenAI:ApiKey"] = "sk-test",
        });

        errors.Should().ContainSingle().Which.Should().Contain("Fluid:Models:Prices:gpt-4.1:InputPerMillion");
    }

    [Fact]
    public void Invalid_settings_are_each_reported_with_their_key()
    {
        var errors = Errors(new()
        {
            ["Fluid:Models:Default"] = "scripted:demo",
            ["Fluid:Models:Allowed:0"] = "offline",
            ["Fluid:Models:OpenAI:BaseUrl"] = "not a url",
            ["Fluid:Models:OpenAI:MaxRetries"] = "50",
            ["Fluid:Models:Offline:LatencyMs"] = "-1",
            ["Fluid:Models:Embeddings:Dimensions"] = "0",
            ["Fluid:Models:Scripted:ScenarioPath"] = "no-such-folder",
        });

        errors.Should().HaveCount(6);
        errors.Should().Contain(e => e.Contains("'Fluid:Models:Default' is 'scripted:demo'", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Fluid:Models:OpenAI:BaseUrl", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Fluid:Models:OpenAI:MaxRetries", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Fluid:Models:Offline:LatencyMs", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Fluid:Models:Embeddings:Dimensions", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Fluid:Models:Scripted:ScenarioPath", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_settings_stop_the_host_at_start_up()
    {
        using var host = Build(new() { ["Fluid:Models:Allowed:0"] = "openai:gpt-4o-mini", ["Fluid:Models:Default"] = "openai:gpt-4o-mini" });

        var act = () => host.StartAsync();

        await act.Should().ThrowAsync<OptionsValidationException>();
    }

    [Fact]
    public void The_hashing_model_is_chosen_by_configuration_with_its_dimensions()
    {
        using var host = Build(new() { ["Fluid:Models:Embeddings:Model"] = "offline:hashing", ["Fluid:Models:Embeddings:Dimensions"] = "64" });

        var embeddings = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        embeddings.Should().BeOfType<HashingEmbeddingModel>().Which.Dimensions.Should().Be(64);
        embeddings.ModelId().Should().Be("offline:hashing");
    }

    [Fact]
    public void MiniLM_with_another_dimension_or_an_unknown_offline_model_names_the_setting()
    {
        Errors(new() { ["Fluid:Models:Embeddings:Dimensions"] = "1536" })
            .Should().ContainSingle(e => e.Contains("Fluid:Models:Embeddings:Dimensions", StringComparison.Ordinal) && e.Contains("384", StringComparison.Ordinal));
        Errors(new() { ["Fluid:Models:Embeddings:Model"] = "offline:word2vec" })
            .Should().ContainSingle(e => e.Contains("Fluid:Models:Embeddings:Model", StringComparison.Ordinal) && e.Contains("offline:hashing", StringComparison.Ordinal));
    }
}
