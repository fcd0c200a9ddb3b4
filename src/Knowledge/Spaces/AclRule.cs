namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// One ACL rule of a space: who may read and/or write. Name is the role or department for those kinds,
/// AgentId the agent of an agent rule (both null otherwise). CanWrite lets the principal add, replace and
/// delete documents (checked when an agent does so).
/// </summary>
[GenerateSerializer]
[Alias("fm.knowledge.AclRule")]
public sealed record AclRule(
    [property: Id(0)] AclPrincipalKind Kind,
    [property: Id(1)] string? Name = null,
    [property: Id(2)] long? AgentId = null,
    [property: Id(3)] bool CanRead = true,
    [property: Id(4)] bool CanWrite = false);
