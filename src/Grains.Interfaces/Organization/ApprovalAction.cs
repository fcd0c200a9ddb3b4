namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Sensitive actions the CEO may require approval for.</summary>
[GenerateSerializer]
[Alias("fm.organization.ApprovalAction")]
public enum ApprovalAction
{
    Publication,
    Spending,
    ExternalAction,
}
