namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Adds tokens and cost spent on the task (reported by the agent loop).</summary>
public sealed record RecordUsageCommand(long CompanyId, long Tokens, decimal Cost);
