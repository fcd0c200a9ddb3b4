namespace FluidManager.Grains.Interfaces.Governance;

/// <summary>How a task the CEO assigns reaches an agent below the CEO's direct reports.</summary>
[GenerateSerializer]
[Alias("fm.governance.CeoAssignment")]
public enum CeoAssignment
{
    /// <summary>
    /// Through the chain, as a dispatched call to action: the task goes to the top manager of the agent's
    /// branch, every hop down to the agent checked by the hierarchy rules (the default).
    /// </summary>
    FollowHierarchy,

    /// <summary>Straight to the agent, at any level.</summary>
    Direct,
}
