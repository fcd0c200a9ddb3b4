namespace FluidManager.Grains.Interfaces.Work;

public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
    Expired,
}
