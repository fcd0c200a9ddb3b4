using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace FluidManager.Models.Embeddings;

/// <summary>
/// The offline embedder: feature hashing of words and word bigrams into a fixed-size vector, with a
/// SHA-256-derived index and sign per feature (stable across machines and runs), L2-normalised. Texts that
/// share words point the same way; the same text always gets the same vector. Words are lower-cased,
/// a plural "s" is dropped and common stop words are skipped. It knows no synonyms: selected by
/// <c>offline:hashing</c>, for tests that ingest much and need speed rather than meaning.
/// </summary>
public sealed partial class HashingEmbeddingModel : IEmbeddingGenerator<string, Embedding<float>>
{
    private const float BigramWeight = 0.5f;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "by", "with", "from", "as", "is", "are",
        "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "we", "our", "you", "your", "they", "their",
        "i", "my", "me", "he", "she", "his", "her", "them", "so", "if", "then", "than", "not", "no", "do", "does", "did", "will",
        "would", "can", "could", "should", "has", "have", "had", "about", "into", "over", "also", "all", "any", "some",
    };

    public HashingEmbeddingModel(int dimensions = 384)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Metadata = new EmbeddingGeneratorMetadata("hashing", defaultModelId: EmbeddingModels.Hashing, defaultModelDimensions: dimensions);
    }

    public EmbeddingGeneratorMetadata Metadata { get; }

    public int Dimensions => Metadata.DefaultModelDimensions!.Value;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        var texts = values.ToList();
        var at = DateTimeOffset.UtcNow;
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(Embed(t)) { ModelId = EmbeddingModels.Hashing, CreatedAt = at }))
        {
            Usage = new UsageDetails { InputTokenCount = texts.Sum(TokenEstimator.Count) },
        };
        return Task.FromResult(embeddings);
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

    /// <summary>The vector of one text.</summary>
    public float[] Embed(string? text)
    {
        var vector = new float[Dimensions];
        var words = Words(text).ToList();
        if (words.Count == 0)
        {
            words.Add("\0empty");
        }

        for (var i = 0; i < words.Count; i++)
        {
            Add(vector, "w:" + words[i], 1f);
            if (i > 0)
            {
                Add(vector, $"b:{words[i - 1]} {words[i]}", BigramWeight);
            }
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }

    private void Add(float[] vector, string feature, float weight)
    {
        var hash = StableHash.Of(feature);
        var index = (int)(hash % (ulong)Dimensions);
        vector[index] += (hash >> 63) == 0 ? weight : -weight;
    }

    private static IEnumerable<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        foreach (Match match in WordPattern().Matches(text))
        {
            var word = match.Value.ToLowerInvariant();
            if (StopWords.Contains(word))
            {
                continue;
            }

            if (word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal))
            {
                word = word[..^1];
            }

            yield return word;
        }
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}
