namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>
/// An agent's progress note. A repeated <see cref="StepKey"/> (a replayed agent step) returns the
/// entry written the first time and writes nothing.
/// </summary>
[GenerateSerializer]
[Alias("fm.tasks.AddWorklogCommand")]
public sealed record AddWorklogCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long? AgentId,
    [property: Id(2)] string Body,
    [property: Id(3)] WorklogVisibility Visibility = WorklogVisibility.Project,
    [property: Id(4)] string? StepKey = null);
