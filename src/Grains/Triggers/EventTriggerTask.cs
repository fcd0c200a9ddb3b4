using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Triggers;

/// <summary>
/// The task an event trigger creates: title and description may hold <c>${payload.x}</c> (and <c>${event.type}</c>,
/// <c>${event.position}</c>) references; the task is assigned to <see cref="AgentId"/>.
/// </summary>
public sealed record EventTriggerTask
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public long? AgentId { get; init; }

    public TaskPriority? Priority { get; init; }

    public string? Project { get; init; }
}
