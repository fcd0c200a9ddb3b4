namespace FluidManager.Knowledge.Retrieval;

/// <summary>A knowledge search made as an agent (for a task), optionally narrowed to one space by id or name.</summary>
public sealed record RetrievalRequest(
    long CompanyId,
    long AgentId,
    string Query,
    long? TaskId = null,
    long? SpaceId = null,
    string? SpaceName = null,
    int? Limit = null,
    string? Actor = null);
