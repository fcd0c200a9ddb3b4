namespace FluidManager.Knowledge.Retrieval;

/// <summary>
/// The answer to a search: the passages, or a denial with its reason. A denial is never an empty list:
/// an agent that may read no matching space is told so (and the denial is recorded). RetrievalId is the
/// search's knowledge_retrievals row; Spaces are the spaces the agent could read for it.
/// </summary>
public sealed record RetrievalResult(bool Allowed, string? Reason, long RetrievalId, IReadOnlyList<Citation> Citations, IReadOnlyList<long> Spaces, double DurationMs);
