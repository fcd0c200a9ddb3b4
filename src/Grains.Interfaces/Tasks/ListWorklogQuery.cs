namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A task's worklog as seen by <see cref="ViewerAgentId"/>; null means a human of the company (sees everything).</summary>
[GenerateSerializer]
[Alias("fm.tasks.ListWorklogQuery")]
public sealed record ListWorklogQuery([property: Id(0)] long CompanyId, [property: Id(1)] long? ViewerAgentId = null);
