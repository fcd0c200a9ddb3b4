namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Deletes an agent; refused while it has open work or direct reports.</summary>
[GenerateSerializer]
[Alias("fm.agents.DeleteAgentCommand")]
public sealed record DeleteAgentCommand([property: Id(0)] long CompanyId, [property: Id(1)] long? ExpectedVersion = null);
