namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Where an agent escalates: its nearest active manager, or the CEO seat when <see cref="ManagerAgentId"/> is null.</summary>
[GenerateSerializer]
[Alias("fm.organization.EscalationTarget")]
public sealed record EscalationTarget([property: Id(0)] long? ManagerAgentId)
{
    public bool IsCeo => ManagerAgentId is null;
}
