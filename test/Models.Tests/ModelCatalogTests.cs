using FluidManager.Models.Offline;
using FluidManager.Models.Scripted;
using Microsoft.Extensions.Options;

namespace FluidManager.Models.Tests;

public sealed class ModelCatalogTests
{
    private static ModelCatalog Catalog(ModelsOptions options)
    {
        var wrapped = Options.Create(options);
        var scenarios = new ScenarioLibrary(wrapped);
        scenarios.Add(new Scenario { Name = "demo", Turns = [new ScenarioTurn { Repeat = true, Text = "scripted answer" }] });
        return new ModelCatalog(wrapped, new OfflineChatModel(wrapped), scenarios, new ModelPricing(wrapped));
    }

    private static ModelsOptions WithOpenAI(params string[] allowed) => new()
    {
        Allowed = [.. allowed],
        Prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase) { ["gpt-4o-mini"] = new() { InputPerMillion = 0.15m, OutputPerMillion = 0.6m } },
        OpenAI = { ApiKey = "sk-test", BaseUrl = "http://127.0.0.1:9/v1" },
    };

    private static ChatRequest Hello => new() { Messages = [ChatMessage.User("Hello?")] };

    [Fact]
    public async Task Default_configuration_allows_offline_and_scripted_models()
    {
        var catalog = Catalog(new ModelsOptions());

        catalog.DefaultModel.Should().Be("offline");
        catalog.Allowed.Should().Equal("offline", "scripted:*");
        (await catalog.Resolve(null).CompleteAsync(Hello, CancellationToken.None)).Model.Should().Be("offline");
        (await catalog.Resolve("scripted:demo").CompleteAsync(Hello, CancellationToken.None)).Text.Should().Be("scripted answer");
    }

    [Fact]
    public void Model_outside_the_allowed_list_is_refused_naming_the_allowed_ones()
    {
        var catalog = Catalog(new ModelsOptions());

        var act = () => catalog.Resolve("openai:gpt-4o");

        var error = act.Should().Throw<ModelNotAllowedException>().Which;
        error.ModelId.Should().Be("openai:gpt-4o");
        error.Message.Should().Contain("'openai:gpt-4o' is not allowed").And.Contain("offline, scripted:*").And.Contain("Fluid:Models:Allowed");
    }

    [Fact]
    public void Bare_model_names_mean_openai_and_patterns_match_by_provider()
    {
        var catalog = Catalog(WithOpenAI("offline", "openai:*"));

        catalog.IsAllowed("gpt-4o-mini").Should().BeTrue();
        catalog.IsAllowed("openai:anything").Should().BeTrue();
        catalog.IsAllowed("scripted:demo").Should().BeFalse();
        catalog.Resolve("gpt-4o-mini").Should().NotBeNull();
        catalog.Resolve("openai").Should().NotBeNull();
    }

    [Fact]
    public void Company_list_narrows_the_global_one()
    {
        var catalog = Catalog(WithOpenAI("offline", "openai:gpt-4o-mini"));
        var company = new[] { "offline" };

        catalog.IsAllowed("openai:gpt-4o-mini", company).Should().BeFalse();
        catalog.Resolve("offline", company).Should().NotBeNull();
        catalog.Invoking(c => c.Resolve("openai:gpt-4o-mini", company)).Should().Throw<ModelNotAllowedException>()
            .Which.Message.Should().Contain("not allowed for this company").And.Contain("Allowed for the company: offline");
        catalog.Invoking(c => c.Resolve("openai:gpt-4o", ["openai:*"])).Should().Throw<ModelNotAllowedException>()
            .Which.Message.Should().Contain("Fluid:Models:Allowed");
    }

    [Fact]
    public void Allowed_openai_model_without_key_or_price_names_the_setting()
    {
        var noKey = Catalog(new ModelsOptions { Allowed = ["openai:*"], Prices = new Dictionary<string, ModelPrice> { ["openai"] = new() } });
        var noPrice = Catalog(WithOpenAI("openai:*"));

        noKey.Invoking(c => c.Resolve("openai:gpt-4o-mini")).Should().Throw<ModelConfigurationException>().Which.Key.Should().Be("Fluid:Models:OpenAI:ApiKey");
        noPrice.Invoking(c => c.Resolve("openai:o3")).Should().Throw<ModelConfigurationException>().Which.Key.Should().Be("Fluid:Models:Prices:o3");
    }

    [Fact]
    public async Task Resolved_model_refuses_a_request_naming_another_model()
    {
        var catalog = Catalog(new ModelsOptions());
        var model = catalog.Resolve("offline");

        (await model.CompleteAsync(Hello with { Model = "OFFLINE" }, CancellationToken.None)).Model.Should().Be("offline");
        await model.Invoking(m => m.CompleteAsync(Hello with { Model = "scripted:demo" }, CancellationToken.None))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*'scripted:demo'*");
    }

    [Fact]
    public async Task Resolved_openai_model_talks_to_the_configured_endpoint()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        var options = WithOpenAI("openai:gpt-4o-mini");
        options.OpenAI.BaseUrl = server.BaseUrl;

        var response = await Catalog(options).Resolve("openai:gpt-4o-mini").CompleteAsync(Hello, CancellationToken.None);

        response.Model.Should().Be("gpt-4o-mini", "the answer names the provider's model");
        server.Requests.Should().ContainSingle().Which.Body["model"]!.GetValue<string>().Should().Be("gpt-4o-mini");
    }

    [Fact]
    public void Model_ids_parse_to_provider_and_name()
    {
        ModelId.Parse("offline").Should().Be(new ModelId("offline", ""));
        ModelId.Parse(" Scripted:launch ").Should().Be(new ModelId("scripted", "launch"));
        ModelId.Parse("openai:llama3.1:8b").Should().Be(new ModelId("openai", "llama3.1:8b"));
        ModelId.Parse("gpt-4o-mini").ToString().Should().Be("openai:gpt-4o-mini");
        ModelId.Parse("openai:gpt-4o-mini").Matches("*").Should().BeTrue();
        ModelId.Parse("openai:gpt-4o-mini").Matches("gpt-4o-mini").Should().BeTrue();
        ModelId.Parse("openai:gpt-4o").Matches("openai:gpt-4o-mini").Should().BeFalse();
    }

    [Fact]
    public void Resolved_models_are_of_the_expected_kind()
    {
        var catalog = Catalog(WithOpenAI("offline", "openai:gpt-4o-mini"));

        catalog.Resolve("offline").ToString().Should().Be("offline");
        catalog.Resolve("openai:gpt-4o-mini").ToString().Should().Be("openai:gpt-4o-mini");
    }
}
