namespace FluidManager.Models;

/// <summary>Turns texts into vectors for similarity search (pgvector).</summary>
public interface IEmbeddingModel
{
    /// <summary><c>offline</c> or <c>openai:&lt;model&gt;</c>, for pricing and logs.</summary>
    string ModelId { get; }

    /// <summary>The length of every vector returned.</summary>
    int Dimensions { get; }

    /// <summary>One vector per text, in order, each of <see cref="Dimensions"/> values.</summary>
    Task<EmbeddingResult> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>Vectors and the input tokens they cost.</summary>
public sealed record EmbeddingResult(string Model, IReadOnlyList<float[]> Vectors, Usage Usage);

public static class EmbeddingModelExtensions
{
    /// <summary>The vector of one text.</summary>
    public static async Task<float[]> EmbedAsync(this IEmbeddingModel model, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = await model.EmbedAsync([text], cancellationToken);
        return result.Vectors[0];
    }

    /// <summary>Cosine similarity of two vectors of the same length (1 for the same direction, 0 when unrelated).</summary>
    public static double Cosine(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"Vectors differ in length ({left.Length} and {right.Length}).", nameof(right));
        }

        double dot = 0, l = 0, r = 0;
        for (var i = 0; i < left.Length; i++)
        {
            dot += left[i] * right[i];
            l += left[i] * left[i];
            r += right[i] * right[i];
        }

        return l == 0 || r == 0 ? 0 : dot / Math.Sqrt(l * r);
    }
}
