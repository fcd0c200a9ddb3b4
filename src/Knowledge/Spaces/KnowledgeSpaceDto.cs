namespace FluidManager.Knowledge.Spaces;

/// <summary>A knowledge space with its ACL and document counts. <see cref="Version"/> is the value to send back as expectedVersion.</summary>
public sealed record KnowledgeSpaceDto(
    long Id,
    long CompanyId,
    string Name,
    string Description,
    SpaceScope Scope,
    string? ScopeRef,
    long? AgentId,
    IReadOnlyList<AclRule> Acl,
    int DocumentCount,
    int ReadyDocumentCount,
    long ChunkCount,
    long Version,
    string? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
