namespace FluidManager.Grains.Interfaces.Organization;

[GenerateSerializer]
[Alias("fm.organization.ApprovalDecision")]
public sealed record ApprovalDecision(
    [property: Id(0)] bool Required,
    [property: Id(1)] string? Rule = null,
    [property: Id(2)] string? Reason = null);
