namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>Where a playbook change stands: waiting for a person, approved (in the agent's briefings) or rejected (kept, never applied).</summary>
[GenerateSerializer]
[Alias("fm.memory.PlaybookChangeStatus")]
public enum PlaybookChangeStatus
{
    Proposed,
    Approved,
    Rejected,
}
