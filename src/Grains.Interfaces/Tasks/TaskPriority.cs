namespace FluidManager.Grains.Interfaces.Tasks;

public enum TaskPriority
{
    Low,
    Normal,
    High,
    Urgent,
}
