namespace FluidManager.Grains.Interfaces.Work;

public enum ClarificationStatus
{
    Open,
    Answered,
}
