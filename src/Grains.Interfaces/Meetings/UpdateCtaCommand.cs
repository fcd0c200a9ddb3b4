using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>The CEO's review of one call to action: null fields stay as they are.</summary>
[GenerateSerializer]
[Alias("fm.meetings.UpdateCtaCommand")]
public sealed record UpdateCtaCommand
{
    [Id(0)]
    public required long CompanyId { get; init; }

    [Id(1)]
    public required long CtaId { get; init; }

    [Id(2)]
    public string? Title { get; init; }

    [Id(3)]
    public string? Description { get; init; }

    /// <summary>Reassigns the call to another agent.</summary>
    [Id(4)]
    public long? OwnerAgentId { get; init; }

    [Id(5)]
    public DateOnly? DueDate { get; init; }

    [Id(6)]
    public TaskPriority? Priority { get; init; }

    /// <summary>True drops the call (it is not dispatched); false takes it back.</summary>
    [Id(7)]
    public bool? Dropped { get; init; }
}
