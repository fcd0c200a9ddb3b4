namespace FluidManager.Grains.Interfaces.Work;

public enum CostGroupBy
{
    Agent,
    Department,
    Project,
    Task,
    Model,
    Day,
}
