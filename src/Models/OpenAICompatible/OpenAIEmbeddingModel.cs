using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI.Embeddings;

namespace FluidManager.Models.OpenAICompatible;

/// <summary>
/// Embeddings from an OpenAI-compatible <c>/embeddings</c> endpoint, in batches, with the same retries and
/// timeout as chat. Asks for <see cref="Dimensions"/> values per vector (models of the
/// <c>text-embedding-3</c> family shorten their vectors); a server returning another length is an error
/// naming <c>Fluid:Models:Embeddings:Dimensions</c>.
/// </summary>
public sealed class OpenAIEmbeddingModel : IEmbeddingModel
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
    }

    public string ModelId { get; }

    public int Dimensions { get; }

    public async Task<EmbeddingResult> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var vectors = new List<float[]>(texts.Count);
        var tokens = 0;
        var options = new EmbeddingGenerationOptions { Dimensions = _sendDimensions ? Dimensions : null };
        foreach (var batch in texts.Chunk(BatchSize))
        {
            var collection = await _endpoint.ExecuteAsync(
                ModelId,
                async token => (await _client.GenerateEmbeddingsAsync(batch, options, token)).Value,
                cancellationToken);
            foreach (var embedding in collection.OrderBy(e => e.Index))
            {
                var vector = embedding.ToFloats().ToArray();
                if (vector.Length != Dimensions)
                {
                    throw new ModelCallException(ModelId, $"{ModelId} returned vectors of {vector.Length} values, not {Dimensions}: set '{ModelsOptions.Section}:Embeddings:Dimensions' to {vector.Length} (and the database's vector columns to match).");
                }

                vectors.Add(vector);
            }

            tokens += collection.Usage?.InputTokenCount ?? batch.Sum(TokenEstimator.Count);
        }

        if (vectors.Count != texts.Count)
        {
            throw new ModelCallException(ModelId, $"{ModelId} returned {vectors.Count} vectors for {texts.Count} texts.");
        }

        return new EmbeddingResult(ModelId, vectors, new Usage(tokens, 0));
    }
}
