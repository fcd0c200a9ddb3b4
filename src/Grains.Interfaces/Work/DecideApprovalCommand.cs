namespace FluidManager.Grains.Interfaces.Work;

/// <summary>The CEO's decision on an approval request, with an optional comment the agent reads.</summary>
[GenerateSerializer]
[Alias("fm.work.DecideApprovalCommand")]
public sealed record DecideApprovalCommand([property: Id(0)] long CompanyId, [property: Id(1)] string? Comment = null);
