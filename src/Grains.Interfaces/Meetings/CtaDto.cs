using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>
/// A call to action. Once dispatched: the task it became (<see cref="TaskId"/>, its live
/// <see cref="TaskStatus"/>), who it was assigned to and the <see cref="Route"/> down to the owner.
/// </summary>
[GenerateSerializer]
[Alias("fm.meetings.CtaDto")]
public sealed record CtaDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long MeetingId,
    [property: Id(2)] int Position,
    [property: Id(3)] string Title,
    [property: Id(4)] string Description,
    [property: Id(5)] long? OwnerAgentId,
    [property: Id(6)] string? OwnerName,
    [property: Id(7)] DateOnly? DueDate,
    [property: Id(8)] TaskPriority Priority,
    [property: Id(9)] string Rationale,
    [property: Id(10)] long? DecisionId,
    [property: Id(11)] CtaStatus Status,
    [property: Id(12)] long? TaskId,
    [property: Id(13)] TaskState? TaskStatus,
    [property: Id(14)] long? AssigneeAgentId,
    [property: Id(15)] IReadOnlyList<long> Route,
    [property: Id(16)] string? RefusalRule,
    [property: Id(17)] string? RefusalReason,
    [property: Id(18)] long Version);
