namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>Deletes an agent; refused while it has open work or direct reports.</summary>
public sealed record DeleteAgentCommand(long CompanyId, long? ExpectedVersion = null);
