using System.Text.Json;

namespace FluidManager.Knowledge.Retrieval;

/// <summary>An audited search: who asked what, whether it was allowed, and the passages returned (as JSON citations).</summary>
public sealed record RetrievalRecord(
    long Id,
    long CompanyId,
    long? AgentId,
    long? TaskId,
    string? Actor,
    string Query,
    string? SpaceFilter,
    bool Allowed,
    string? Reason,
    IReadOnlyList<long> Spaces,
    int HitCount,
    decimal DurationMs,
    DateTimeOffset At,
    JsonElement Hits);
