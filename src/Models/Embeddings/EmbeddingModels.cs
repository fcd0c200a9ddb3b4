using Microsoft.Extensions.AI;

namespace FluidManager.Models.Embeddings;

/// <summary>
/// The embedding models the product ships, by their configured id (<c>Fluid:Models:Embeddings:Model</c>), and
/// what callers read from any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: its id and vector length.
/// </summary>
public static class EmbeddingModels
{
    /// <summary>all-MiniLM-L6-v2 run in-process: the default (<c>offline</c> means this one).</summary>
    public const string MiniLM = "offline:minilm";

    /// <summary>Feature hashing of words: instant and deterministic, but only texts that share words are close.</summary>
    public const string Hashing = "offline:hashing";

    /// <summary>The model's id as recorded with the vectors it made (<c>offline:minilm</c>, <c>openai:text-embedding-3-small</c>).</summary>
    public static string ModelId(this IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Metadata(generator).DefaultModelId ?? throw new InvalidOperationException($"The embedding generator {generator.GetType().Name} does not name its model.");
    }

    /// <summary>The length of every vector the model returns.</summary>
    public static int Dimensions(this IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Metadata(generator).DefaultModelDimensions ?? throw new InvalidOperationException($"The embedding generator {generator.GetType().Name} does not say its dimensions.");
    }

    /// <summary>The vectors of <paramref name="texts"/>, in order, checked to be <see cref="Dimensions"/> long.</summary>
    public static async Task<IReadOnlyList<float[]>> EmbedAsync(this IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(texts);
        var embeddings = await generator.GenerateAsync(texts, cancellationToken: cancellationToken);
        if (embeddings.Count != texts.Count)
        {
            throw new ModelCallException(generator.ModelId(), $"{generator.ModelId()} returned {embeddings.Count} vectors for {texts.Count} texts.");
        }

        var dimensions = generator.Dimensions();
        var vectors = new float[texts.Count][];
        for (var i = 0; i < embeddings.Count; i++)
        {
            var vector = embeddings[i].Vector;
            if (vector.Length != dimensions)
            {
                throw new ModelCallException(generator.ModelId(), $"{generator.ModelId()} returned a vector of {vector.Length} values, not {dimensions}: set '{ModelsOptions.Section}:Embeddings:Dimensions' to {vector.Length}.");
            }

            vectors[i] = vector.ToArray();
        }

        return vectors;
    }

    /// <summary>The vector of one text.</summary>
    public static async Task<float[]> EmbedAsync(this IEmbeddingGenerator<string, Embedding<float>> generator, string text, CancellationToken cancellationToken) =>
        (await generator.EmbedAsync([text], cancellationToken))[0];

    private static EmbeddingGeneratorMetadata Metadata(IEmbeddingGenerator<string, Embedding<float>> generator) =>
        generator.GetService<EmbeddingGeneratorMetadata>() ?? throw new InvalidOperationException($"The embedding generator {generator.GetType().Name} has no metadata.");
}
