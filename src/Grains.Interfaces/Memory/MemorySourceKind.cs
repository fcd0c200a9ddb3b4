namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>Where a memory item came from: a task, a meeting, a person (the CEO or a manager), or the agent itself (the remember tool).</summary>
[GenerateSerializer]
[Alias("fm.memory.MemorySourceKind")]
public enum MemorySourceKind
{
    Task,
    Meeting,
    Person,
    Agent,
}
