namespace FluidManager.Grains.Interfaces.Governance;

/// <summary>
/// A task the CEO gave to <see cref="TargetAgentId"/> went to <see cref="AssigneeAgentId"/>, the top manager of
/// its branch, to be delegated down <see cref="Path"/> (from the assignee to the target, each hop checked).
/// </summary>
[GenerateSerializer]
[Alias("fm.governance.TaskRoutedEvent")]
public sealed record TaskRoutedEvent(
    [property: Id(0)] long TaskId,
    [property: Id(1)] long TargetAgentId,
    [property: Id(2)] long AssigneeAgentId,
    [property: Id(3)] IReadOnlyList<long> Path,
    [property: Id(4)] string Description);
