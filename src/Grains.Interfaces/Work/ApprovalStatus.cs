namespace FluidManager.Grains.Interfaces.Work;

[GenerateSerializer]
[Alias("fm.work.ApprovalStatus")]
public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
    Expired,
}
