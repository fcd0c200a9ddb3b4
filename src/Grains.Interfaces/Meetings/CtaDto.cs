using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>
/// A call to action. Once dispatched: the task it became (<see cref="TaskId"/>, its live
/// <see cref="TaskStatus"/>), who it was assigned to and the <see cref="Route"/> down to the owner.
/// </summary>
public sealed record CtaDto(
    long Id,
    long MeetingId,
    int Position,
    string Title,
    string Description,
    long? OwnerAgentId,
    string? OwnerName,
    DateOnly? DueDate,
    TaskPriority Priority,
    string Rationale,
    long? DecisionId,
    CtaStatus Status,
    long? TaskId,
    TaskState? TaskStatus,
    long? AssigneeAgentId,
    IReadOnlyList<long> Route,
    string? RefusalRule,
    string? RefusalReason,
    long Version);
