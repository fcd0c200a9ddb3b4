namespace FluidManager.Grains.Interfaces.Work;

[GenerateSerializer]
[Alias("fm.work.CostGroupBy")]
public enum CostGroupBy
{
    Agent,
    Department,
    Project,
    Task,
    Model,
    Day,

    /// <summary>Only the calls of meetings (their participants' turns and their synthesis).</summary>
    Meeting,
}
