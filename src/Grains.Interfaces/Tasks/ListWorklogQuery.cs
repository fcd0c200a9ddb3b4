namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>A task's worklog as seen by <see cref="ViewerAgentId"/>; null means a human of the company (sees everything).</summary>
public sealed record ListWorklogQuery(long CompanyId, long? ViewerAgentId = null);
