namespace FluidManager.Knowledge.Spaces;

/// <summary>A knowledge space with its ACL and document counts. <see cref="Version"/> is the value to send back as expectedVersion.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.KnowledgeSpaceDto")]
public sealed record KnowledgeSpaceDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Description,
    [property: Id(4)] SpaceScope Scope,
    [property: Id(5)] string? ScopeRef,
    [property: Id(6)] long? AgentId,
    [property: Id(7)] IReadOnlyList<AclRule> Acl,
    [property: Id(8)] int DocumentCount,
    [property: Id(9)] int ReadyDocumentCount,
    [property: Id(10)] long ChunkCount,
    [property: Id(11)] long Version,
    [property: Id(12)] string? CreatedBy,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] DateTimeOffset UpdatedAt);
