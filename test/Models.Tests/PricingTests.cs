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
    public void Token_estimate_is_about_four_characters_per_token()
    {
        TokenEstimator.Count("").Should().Be(0);
        TokenEstimator.Count("abcd").Should().Be(1);
        TokenEstimator.Count("abcde").Should().Be(2);
        TokenEstimator.Count(new string('x', 4000)).Should().Be(1000);
    }

    [Fact]
    public void Reservation_is_estimated_input_plus_max_output_and_prices_it()
    {
        var request = new ChatRequest
        {
            Messages = [ChatMessage.System(new string('s', 400)), ChatMessage.User(new string('u', 4000))],
            MaxOutputTokens = 500,
        };

        var reservation = TokenEstimator.EstimateReservation(request);

        reservation.InputTokens.Should().Be(TokenEstimator.PerRequestOverhead + (2 * TokenEstimator.PerMessageOverhead) + 100 + 1000);
        reservation.OutputTokens.Should().Be(500);
        Pricing.EstimateMaxCost("openai:gpt-4o-mini", request).Should().Be(Pricing.Cost("openai:gpt-4o-mini", reservation));
    }

    [Fact]
    public void Tools_and_tool_calls_count_towards_input()
    {
        var bare = new ChatRequest { Messages = [ChatMessage.User("hi")] };
        var withTools = bare with { Tools = StandardTools.All };
        var withCall = bare with { Messages = [.. bare.Messages, ChatMessage.Assistant("", [new ToolCall("c1", "write_worklog", new string('a', 400))])] };

        TokenEstimator.EstimateInput(withTools).Should().BeGreaterThan(TokenEstimator.EstimateInput(bare) + 100);
        TokenEstimator.EstimateInput(withCall).Should().BeGreaterThan(TokenEstimator.EstimateInput(bare) + 100);
    }
}
