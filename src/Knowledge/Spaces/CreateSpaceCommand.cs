namespace FluidManager.Knowledge.Spaces;

/// <summary>
/// Creates a space. ScopeRef names the department or project of those scopes; AgentId is the owner of an
/// agent space. Without Acl, the scope's default rules are written (see <see cref="SpaceScope"/>).
/// </summary>
public sealed record CreateSpaceCommand(
    long CompanyId,
    string Name,
    string? Description = null,
    SpaceScope Scope = SpaceScope.Company,
    string? ScopeRef = null,
    long? AgentId = null,
    IReadOnlyList<AclRule>? Acl = null);
