using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>The CEO's review of one call to action: null fields stay as they are.</summary>
public sealed record UpdateCtaCommand
{
    public required long CompanyId { get; init; }

    public required long CtaId { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    /// <summary>Reassigns the call to another agent.</summary>
    public long? OwnerAgentId { get; init; }

    public DateOnly? DueDate { get; init; }

    public TaskPriority? Priority { get; init; }

    /// <summary>True drops the call (it is not dispatched); false takes it back.</summary>
    public bool? Dropped { get; init; }
}
