namespace FluidManager.Grains.Interfaces.Work;

/// <summary>Payload of the approval.* events, on the task's stream and the company's (the CEO's inbox).</summary>
public sealed record ApprovalEvent(ApprovalDto Approval);
