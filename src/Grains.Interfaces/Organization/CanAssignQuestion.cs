namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>May agent <see cref="FromAgentId"/> assign work to agent <see cref="ToAgentId"/>?</summary>
public sealed record CanAssignQuestion(long CompanyId, long FromAgentId, long ToAgentId);
