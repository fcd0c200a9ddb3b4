namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>Adds tokens and cost spent on the task (reported by the agent loop).</summary>
[GenerateSerializer]
[Alias("fm.tasks.RecordUsageCommand")]
public sealed record RecordUsageCommand([property: Id(0)] long CompanyId, [property: Id(1)] long Tokens, [property: Id(2)] decimal Cost);
