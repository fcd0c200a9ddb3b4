namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>May agent <see cref="FromAgentId"/> assign work to agent <see cref="ToAgentId"/>?</summary>
[GenerateSerializer]
[Alias("fm.organization.CanAssignQuestion")]
public sealed record CanAssignQuestion(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long FromAgentId,
    [property: Id(2)] long ToAgentId);
