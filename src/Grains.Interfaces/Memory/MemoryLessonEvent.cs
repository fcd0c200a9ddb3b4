namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// How a lesson request ended when the model's own lesson was not written: <see cref="MemoryEventTypes.LessonFallback"/>
/// (the lesson written from the feedback alone, <see cref="ItemId"/>, and why the model's could not be used) or
/// <see cref="MemoryEventTypes.LessonDeclined"/> (the model found nothing to learn).
/// </summary>
[GenerateSerializer]
[Alias("fm.memory.MemoryLessonEvent")]
public sealed record MemoryLessonEvent(
    [property: Id(0)] long AgentId,
    [property: Id(1)] long TaskId,
    [property: Id(2)] long? ItemId,
    [property: Id(3)] string Reason);
