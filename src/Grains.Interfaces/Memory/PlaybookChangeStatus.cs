namespace FluidManager.Grains.Interfaces.Memory;

public enum PlaybookChangeStatus
{
    Proposed,
    Approved,
    Rejected,
}
