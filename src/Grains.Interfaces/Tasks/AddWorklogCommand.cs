namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>
/// An agent's progress note. A repeated <see cref="StepKey"/> (a replayed agent step) returns the
/// entry written the first time and writes nothing.
/// </summary>
public sealed record AddWorklogCommand(long CompanyId, long? AgentId, string Body, WorklogVisibility Visibility = WorklogVisibility.Project, string? StepKey = null);
