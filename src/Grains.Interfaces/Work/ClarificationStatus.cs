namespace FluidManager.Grains.Interfaces.Work;

[GenerateSerializer]
[Alias("fm.work.ClarificationStatus")]
public enum ClarificationStatus
{
    Open,
    Answered,
}
