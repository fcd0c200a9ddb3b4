using System.ComponentModel;

namespace FluidManager.Knowledge.Embeddings;

/// <summary>
/// The knowledge index of the whole deployment (one grain, key <see cref="Key"/>): its embedding model and
/// the re-embed that changes it, run as the <c>knowledge.reembed</c> activity. Operators only: the index
/// holds every company's chunks.
/// </summary>
[Alias("fm.IKnowledgeIndexGrain")]
public interface IKnowledgeIndexGrain : IGrainWithStringKey
{
    public const string Key = "embeddings";

    /// <summary>
    /// Starts re-embedding every chunk with the configured embedding model; while one runs, returns it
    /// instead of starting another.
    /// </summary>
    Task<EmbeddingIndexState> StartReembedAsync();

    /// <summary>The index's model and dimension, whether it matches the configured model, and the last re-embed with its progress.</summary>
    [ReadOnly(true)]
    Task<EmbeddingIndexState> GetAsync();
}
