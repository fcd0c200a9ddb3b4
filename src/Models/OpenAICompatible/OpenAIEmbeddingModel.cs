using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI.Embeddings;
using EmbeddingGenerationOptions = Microsoft.Extensions.AI.EmbeddingGenerationOptions;

namespace FluidManager.Models.OpenAICompatible;

/// <summary>
/// Embeddings from an OpenAI-compatible <c>/embeddings</c> endpoint, in batches, with the same retries and
/// timeout as chat. Asks for <see cref="Dimensions"/> values per vector (models of the
/// <c>text-embedding-3</c> family shorten their vectors); a server returning another length is an error
/// naming <c>Fluid:Models:Embeddings:Dimensions</c>.
/// </summary>
public sealed class OpenAIEmbeddingModel : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Texts sent per request.</summary>
    public const int BatchSize = 256;

    private readonly EmbeddingClient _client;
    private readonly OpenAIEndpoint _endpoint;
    private readonly bool _sendDimensions;

    /// <summary>A client for <paramref name="modelName"/>, such as <c>text-embedding-3-small</c> (without <c>openai:</c>).</summary>
    public OpenAIEmbeddingModel(string modelName, int dimensions, OpenAIModelOptions options, bool sendDimensions = true, ILogger<OpenAIEmbeddingModel>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        _endpoint = new OpenAIEndpoint(options, (ILogger?)logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
        _client = new EmbeddingClient(modelName, _endpoint.Credential, _endpoint.ClientOptions);
        _sendDimensions = sendDimensions;
        Dimensions = dimensions;
        ModelId = $"{Models.ModelId.OpenAI}:{modelName}";
        Metadata = new EmbeddingGeneratorMetadata("openai", _endpoint.ClientOptions.Endpoint, ModelId, dimensions);
    }

    public string ModelId { get; }

    public int Dimensions { get; }

    public EmbeddingGeneratorMetadata Metadata { get; }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var vectors = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        var tokens = 0L;
        var request = new global::OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = _sendDimensions ? Dimensions : null };
        foreach (var batch in texts.Chunk(BatchSize))
        {
            var collection = await _endpoint.ExecuteAsync(
                ModelId,
                async token => (await _client.GenerateEmbeddingsAsync(batch, request, token)).Value,
                cancellationToken);
            foreach (var embedding in collection.OrderBy(e => e.Index))
            {
                var vector = embedding.ToFloats().ToArray();
                if (vector.Length != Dimensions)
                {
                    throw new ModelCallException(ModelId, $"{ModelId} returned vectors of {vector.Length} values, not {Dimensions}: set '{ModelsOptions.Section}:Embeddings:Dimensions' to {vector.Length} (and the database's vector columns to match).");
                }

                vectors.Add(new Embedding<float>(vector) { ModelId = ModelId });
            }

            tokens += collection.Usage?.InputTokenCount ?? batch.Sum(TokenEstimator.Count);
        }

        if (vectors.Count != texts.Count)
        {
            throw new ModelCallException(ModelId, $"{ModelId} returned {vectors.Count} vectors for {texts.Count} texts.");
        }

        vectors.Usage = new UsageDetails { InputTokenCount = tokens };
        return vectors;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }
}
