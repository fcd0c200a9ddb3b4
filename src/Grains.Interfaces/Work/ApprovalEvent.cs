namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Payload of the approval.* events, on the task's stream and the company's (the CEO's inbox).</summary>
[GenerateSerializer]
[Alias("fm.work.ApprovalEvent")]
public sealed record ApprovalEvent([property: Id(0)] ApprovalDto Approval);
