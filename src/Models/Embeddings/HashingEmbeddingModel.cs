using System.Text.RegularExpressions;

namespace FluidManager.Models.Embeddings;

/// <summary>
/// The offline embedder: feature hashing of words and word bigrams into a fixed-size vector, with a
/// SHA-256-derived index and sign per feature (stable across machines and runs), L2-normalised. Texts that
/// share words point the same way; the same text always gets the same vector. Words are lower-cased,
/// a plural "s" is dropped and common stop words are skipped.
/// </summary>
public sealed partial class HashingEmbeddingModel : IEmbeddingModel
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
        Dimensions = dimensions;
    }

    public string ModelId => Models.ModelId.Offline;

    public int Dimensions { get; }

    public Task<EmbeddingResult> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        cancellationToken.ThrowIfCancellationRequested();
        var vectors = texts.Select(Embed).ToList();
        var tokens = texts.Sum(TokenEstimator.Count);
        return Task.FromResult(new EmbeddingResult(ModelId, vectors, new Usage(tokens, 0)));
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
