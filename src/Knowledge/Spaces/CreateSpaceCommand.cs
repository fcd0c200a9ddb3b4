namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// Creates a space. ScopeRef names the department or project of those scopes; AgentId is the owner of an
/// agent space. Without Acl, the scope's default rules are written (see <see cref="SpaceScope"/>).
/// </summary>
[GenerateSerializer]
[Alias("fm.knowledge.CreateSpaceCommand")]
public sealed record CreateSpaceCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description = null,
    [property: Id(3)] SpaceScope Scope = SpaceScope.Company,
    [property: Id(4)] string? ScopeRef = null,
    [property: Id(5)] long? AgentId = null,
    [property: Id(6)] IReadOnlyList<AclRule>? Acl = null);
