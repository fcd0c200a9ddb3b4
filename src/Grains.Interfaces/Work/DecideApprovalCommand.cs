namespace FluidManager.Grains.Interfaces.Work;

/// <summary>The CEO's decision on an approval request, with an optional comment the agent reads.</summary>
public sealed record DecideApprovalCommand(long CompanyId, string? Comment = null);
