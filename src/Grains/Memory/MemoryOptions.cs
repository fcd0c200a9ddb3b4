namespace FluidManager.Grains.Memory;

/// <summary>Settings of agent memory. Section <c>Fluid:Memory</c>.</summary>
public sealed class MemoryOptions
{
    public const string Section = "Fluid:Memory";

    /// <summary>The most tokens memory may add to a task's briefing; items that do not fit are left out. 0 turns memory in briefings off. Default 600.</summary>
    public int BriefingMaxTokens { get; set; } = 600;

    /// <summary>The most items a briefing cites. Default 8.</summary>
    public int BriefingMaxItems { get; set; } = 8;

    /// <summary>Candidates each half of the hybrid search (vector, full text) brings before fusion. Default 40.</summary>
    public int CandidatesPerHalf { get; set; } = 40;

    /// <summary>Candidates the HNSW index keeps while it walks its graph (pgvector's <c>hnsw.ef_search</c>); more is slower and finds more. Default 100.</summary>
    public int VectorEfSearch { get; set; } = 100;

    /// <summary>
    /// The most index entries the vector half visits to find its candidates among the searched agents' items (pgvector's
    /// <c>hnsw.max_scan_tuples</c>, iterative scan). Default 20000.
    /// </summary>
    public int VectorMaxScanTuples { get; set; } = 20000;

    /// <summary>
    /// Up to this many live items in the memories searched, the vector half ranks every one of them by its binary sketch
    /// (from the agents' own index) and measures the best <see cref="VectorSketchCandidates"/> exactly; above it, it walks
    /// the HNSW index. Default 20000; 0 always walks the index.
    /// </summary>
    public int VectorExactMaxItems { get; set; } = 20000;

    /// <summary>
    /// Below <see cref="VectorExactMaxItems"/>, the candidates the binary sketches of the vectors (one bit per dimension) pick among
    /// the memories searched, each then measured exactly; at least the candidates of the vector half. Default 400.
    /// </summary>
    public int VectorSketchCandidates { get; set; } = 400;

    /// <summary>Attempts of the <c>memory.embed</c> activity that computes a new item's vector. Default 5.</summary>
    public int EmbedAttempts { get; set; } = 5;

    /// <summary>The k of reciprocal rank fusion (Σ 1 / (k + rank)). Default 60.</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>Score added to a pinned item. Default 0.02 (more than one fused rank).</summary>
    public double PinBonus { get; set; } = 0.02;

    /// <summary>Score added to a brand-new item, halving every <see cref="RecencyHalfLifeDays"/>. Default 0.005.</summary>
    public double RecencyBonus { get; set; } = 0.005;

    /// <summary>Age in days at which an item's recency bonus is halved. Default 30.</summary>
    public double RecencyHalfLifeDays { get; set; } = 30;
}
