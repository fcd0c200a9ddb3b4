namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>The agent hands a problem up to its manager (or the CEO seat).</summary>
[GenerateSerializer]
[Alias("fm.agents.EscalateCommand")]
public sealed record EscalateCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] string Subject,
    [property: Id(2)] string Body = "",
    [property: Id(3)] long? TaskId = null);
