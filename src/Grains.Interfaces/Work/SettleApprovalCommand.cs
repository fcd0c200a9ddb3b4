namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Records a decision taken on the task itself (its approve or reject command) on the pending request.</summary>
[GenerateSerializer]
[Alias("fm.work.SettleApprovalCommand")]
public sealed record SettleApprovalCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] bool Approved,
    [property: Id(2)] string? Comment);
