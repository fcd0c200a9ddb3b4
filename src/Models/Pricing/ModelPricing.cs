using Microsoft.Extensions.Options;

namespace FluidManager.Models;

/// <summary>
/// The price table of <c>Fluid:Models:Prices</c>. A price is looked up by the model's name
/// (<c>gpt-4o-mini</c> for <c>openai:gpt-4o-mini</c>, the deployment for <c>azure:&lt;deployment&gt;</c>; a <c>:</c>
/// in a name, as in Ollama tags, is written <c>_</c> in the key), then by its provider (<c>openai</c> prices every
/// OpenAI-compatible model not listed, <c>azure</c> every deployment, <c>offline</c>, <c>scripted</c>). The offline and scripted models are free unless priced. An
/// OpenAI-compatible or Azure model without a price is refused: budgets are checked before a call, so every real
/// model needs one.
/// </summary>
public sealed class ModelPricing
{
    private readonly Dictionary<string, ModelPrice> _prices;

    public ModelPricing(IOptions<ModelsOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.Prices)
    {
    }

    public ModelPricing(IEnumerable<KeyValuePair<string, ModelPrice>> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _prices = new Dictionary<string, ModelPrice>(prices, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The price of <paramref name="modelId"/>, or false when none is configured for a model that needs one.</summary>
    public bool TryGet(string modelId, out ModelPrice price)
    {
        var id = ModelId.Parse(modelId);
        foreach (var key in CandidateKeys(id))
        {
            if (_prices.TryGetValue(key, out var found) && found is not null)
            {
                price = found;
                return true;
            }
        }

        price = ModelPrice.Free;
        return id.Provider is ModelId.Offline or ModelId.Scripted;
    }

    /// <summary>The price of <paramref name="modelId"/>; throws <see cref="ModelConfigurationException"/> naming the key to set.</summary>
    public ModelPrice Get(string modelId)
    {
        if (TryGet(modelId, out var price))
        {
            return price;
        }

        var key = PriceKey(modelId);
        throw new ModelConfigurationException(
            key,
            $"No price for model '{ModelId.Parse(modelId)}': set '{key}:InputPerMillion' and '{key}:OutputPerMillion' (USD per million tokens), or '{ModelsOptions.Section}:Prices:{ModelId.Parse(modelId).Provider}' for every model of the provider.");
    }

    /// <summary>The cost in USD of <paramref name="usage"/> on <paramref name="modelId"/>.</summary>
    public decimal Cost(string modelId, Usage usage) => Get(modelId).Cost(usage);

    /// <summary>
    /// The most <paramref name="request"/> can cost on <paramref name="modelId"/>: estimated input plus
    /// its maximum output. Reserve it against the budget before the call; settle with <see cref="Cost"/> after.
    /// </summary>
    public decimal EstimateMaxCost(string modelId, ChatRequest request) =>
        Get(modelId).Cost(TokenEstimator.EstimateReservation(request));

    /// <summary>The configuration key holding the price of <paramref name="modelId"/>.</summary>
    public static string PriceKey(string modelId)
    {
        var id = ModelId.Parse(modelId);
        var name = id.Provider is ModelId.OpenAI or ModelId.Azure && id.Name.Length > 0 ? id.Name.Replace(':', '_') : id.Provider;
        return $"{ModelsOptions.Section}:Prices:{name}";
    }

    private static IEnumerable<string> CandidateKeys(ModelId id)
    {
        if (id.Provider is ModelId.OpenAI or ModelId.Azure && id.Name.Length > 0)
        {
            yield return id.Name;
            yield return id.Name.Replace(':', '_');
        }

        yield return id.Provider;
    }
}
