namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Where an agent escalates: its nearest active manager, or the CEO seat when <see cref="ManagerAgentId"/> is null.</summary>
public sealed record EscalationTarget(long? ManagerAgentId)
{
    public bool IsCeo => ManagerAgentId is null;
}
