namespace FluidManager.Models.Tests;

public sealed class PricingTests
{
    private static readonly ModelPricing Pricing = new(new Dictionary<string, ModelPrice>
    {
        ["gpt-4o-mini"] = new() { InputPerMillion = 0.15m, OutputPerMillion = 0.60m },
        ["llama3.1_8b"] = new() { InputPerMillion = 0.01m, OutputPerMillion = 0.02m },
        ["offline"] = new() { InputPerMillion = 1m, OutputPerMillion = 2m },
    });

    [Fact]
    public void Cost_is_input_and_output_tokens_at_their_price_per_million()
    {
        Pricing.Cost("openai:gpt-4o-mini", new Usage(1_000_000, 500_000)).Should().Be(0.45m);
        Pricing.Cost("gpt-4o-mini", new Usage(2_000, 1_000)).Should().Be(0.0009m);
        new ModelPrice { InputPerMillion = 3m, OutputPerMillion = 15m }.Cost(new Usage(10, 10)).Should().Be(0.00018m);
    }

    [Fact]
    public void Lookup_uses_the_model_name_then_the_provider_and_tags_with_colons_use_underscores()
    {
        Pricing.Get("openai:llama3.1:8b").InputPerMillion.Should().Be(0.01m);
        Pricing.Get("offline").OutputPerMillion.Should().Be(2m);
        Pricing.Get("scripted:launch").Should().Be(ModelPrice.Free);
        new ModelPricing([]).Get("offline").Should().Be(ModelPrice.Free);
        new ModelPricing(new Dictionary<string, ModelPrice> { ["openai"] = new() { InputPerMillion = 5m } }).Get("openai:any-model").InputPerMillion.Should().Be(5m);
    }

    [Fact]
    public void Real_model_without_a_price_is_refused_naming_the_key()
    {
        var act = () => Pricing.Get("openai:gpt-4.1");

        act.Should().Throw<ModelConfigurationException>().Which.Key.Should().Be("Fluid:Models:Prices:gpt-4.1");
        act.Should().Throw<ModelConfigurationException>().Which.Message.Should().Contain("Fluid:Models:Prices:gpt-4.1:InputPerMillion");
    }

    [Fact]
    public void Token_counts_use_the_tiktoken_encoding_of_the_model()
    {
        TokenEstimator.Count("").Should().Be(0);
        TokenEstimator.Count("tiktoken is great!").Should().Be(6);

        // The ids of the tokenizer reference (o200k_base for gpt-4o and unknown models, cl100k_base for gpt-4).
        TokenEstimator.For(null).EncodeToIds("tiktoken is great!").Should().Equal(83, 8251, 2488, 382, 2212, 0);
        TokenEstimator.For("openai:gpt-4o-mini").EncodeToIds("tiktoken is great!").Should().Equal(83, 8251, 2488, 382, 2212, 0);
        TokenEstimator.For("llama3").EncodeToIds("tiktoken is great!").Should().Equal(83, 8251, 2488, 382, 2212, 0);
        TokenEstimator.For("gpt-4").EncodeToIds("tiktoken is great!").Should().Equal(83, 1609, 5963, 374, 2294, 0);
        TokenEstimator.For("offline").Should().BeSameAs(TokenEstimator.For(null));
    }

    [Fact]
    public void Reservation_is_estimated_input_plus_max_output_and_prices_it()
    {
        var request = new ChatRequest
        {
            Messages = [ChatMessage.System("You are the CFO. Keep answers short."), ChatMessage.User("Summarise the budget for the spring campaign, channel by channel.")],
            MaxOutputTokens = 500,
        };

        var reservation = TokenEstimator.EstimateReservation(request);

        reservation.InputTokens.Should().Be(TokenEstimator.PerRequestOverhead + (2 * TokenEstimator.PerMessageOverhead)
            + TokenEstimator.Count("You are the CFO. Keep answers short.") + TokenEstimator.Count("Summarise the budget for the spring campaign, channel by channel."));
        reservation.InputTokens.Should().BeInRange(30, 40);
        reservation.OutputTokens.Should().Be(500);
        Pricing.EstimateMaxCost("openai:gpt-4o-mini", request).Should().Be(Pricing.Cost("openai:gpt-4o-mini", reservation));
    }

    [Fact]
    public void Tools_and_tool_calls_count_towards_input()
    {
        var bare = new ChatRequest { Messages = [ChatMessage.User("hi")] };
        var withTools = bare with { Tools = StandardTools.All };
        var body = string.Join(" ", Enumerable.Range(1, 120).Select(i => $"step {i} done"));
        var withCall = bare with { Messages = [.. bare.Messages, ChatMessage.Assistant("", [FunctionCallContent.FromJson("c1", "write_worklog", $$"""{"body":"{{body}}"}""")])] };

        TokenEstimator.EstimateInput(withTools).Should().BeGreaterThan(TokenEstimator.EstimateInput(bare) + 100);
        TokenEstimator.EstimateInput(withCall).Should().BeGreaterThan(TokenEstimator.EstimateInput(bare) + 100);
    }
}
