using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>A note in an agent's own worklog, outside any task.</summary>
[GenerateSerializer]
[Alias("fm.agents.AddAgentWorklogCommand")]
public sealed record AddAgentWorklogCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string Body,
    [property: Id(2)] WorklogVisibility Visibility = WorklogVisibility.Manager);
