namespace FluidManager.Grains.Interfaces.Governance;

/// <summary>Events of the company's governance, on the company stream.</summary>
public static class GovernanceEventTypes
{
    /// <summary>Payload: <see cref="CompanyPolicyDto"/>.</summary>
    public const string PolicyChanged = "company.policy_changed";

    /// <summary>A task the CEO assigned went to the top of the agent's chain. Payload: <see cref="TaskRoutedEvent"/>.</summary>
    public const string TaskRouted = "task.routed";
}
