namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Sensitive actions the CEO may require approval for.</summary>
public enum ApprovalAction
{
    Publication,
    Spending,
    ExternalAction,
}
