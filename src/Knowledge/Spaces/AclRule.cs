namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// One ACL rule of a space: who may read and/or write. Name is the role or department for those kinds,
/// AgentId the agent of an agent rule (both null otherwise). CanWrite lets the principal add, replace and
/// delete documents (checked when an agent does so).
/// </summary>
public sealed record AclRule(AclPrincipalKind Kind, string? Name = null, long? AgentId = null, bool CanRead = true, bool CanWrite = false);
