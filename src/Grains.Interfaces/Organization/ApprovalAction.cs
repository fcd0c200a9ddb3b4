namespace FluidManager.Grains.Interfaces.Organization;

/// <summary>Sensitive actions the CEO may require approval for.</summary>
[GenerateSerializer]
[Alias("fm.organization.ApprovalAction")]
public enum ApprovalAction
{
    Publication,
    Spending,
    ExternalAction,

    /// <summary>A call of a tool classified as a write (an MCP tool that changes something inside the company's reach).</summary>
    ToolWrite,
}
