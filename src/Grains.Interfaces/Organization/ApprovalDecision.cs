namespace FluidManager.Grains.Interfaces.Organization;

public sealed record ApprovalDecision(bool Required, string? Rule = null, string? Reason = null);
