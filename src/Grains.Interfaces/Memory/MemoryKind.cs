namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>What a memory item is: an episode (a finished task), a fact, or a lesson learned from feedback.</summary>
[GenerateSerializer]
[Alias("fm.memory.MemoryKind")]
public enum MemoryKind
{
    Episode,
    Fact,
    Lesson,
}
