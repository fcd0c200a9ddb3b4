namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>What a memory item is: an episode (a finished task), a fact, or a lesson learned from feedback.</summary>
public enum MemoryKind
{
    Episode,
    Fact,
    Lesson,
}
