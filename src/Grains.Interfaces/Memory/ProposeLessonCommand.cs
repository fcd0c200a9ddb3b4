namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// A person's feedback on a task of the grain's agent (a rejected approval, a retry of a failed task, a comment): the
/// agent's model is asked, in a <c>memory.lesson</c> activity, for one short lesson from the task, its output and the
/// feedback. <see cref="FallbackLesson"/> is the lesson written from the feedback alone when the model cannot answer.
/// <see cref="Kind"/> is <c>rejection</c>, <c>retry</c> or <c>comment</c>; <see cref="Action"/> is what a rejection refused.
/// </summary>
[GenerateSerializer]
[Alias("fm.memory.ProposeLessonCommand")]
public sealed record ProposeLessonCommand
{
    [Id(0)] public required long CompanyId { get; init; }
    [Id(1)] public required long TaskId { get; init; }
    [Id(2)] public required string Kind { get; init; }
    [Id(3)] public required string Feedback { get; init; }
    [Id(4)] public required string FallbackLesson { get; init; }
    [Id(5)] public string? Action { get; init; }
}
