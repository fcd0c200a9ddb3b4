namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>A person's decision on a proposed playbook change: approved, it is in the agent's next briefings; rejected, it is kept as rejected.</summary>
[GenerateSerializer]
[Alias("fm.memory.DecidePlaybookChangeCommand")]
public sealed record DecidePlaybookChangeCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long ChangeId,
    [property: Id(2)] bool Approve,
    [property: Id(3)] string? Comment = null);
