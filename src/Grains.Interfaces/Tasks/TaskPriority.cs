namespace FluidManager.Grains.Interfaces.Tasks;

[GenerateSerializer]
[Alias("fm.tasks.TaskPriority")]
public enum TaskPriority
{
    Low,
    Normal,
    High,
    Urgent,
}
