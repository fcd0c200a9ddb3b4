namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>The agent hands a problem up to its manager (or the CEO seat).</summary>
public sealed record EscalateCommand(long CompanyId, string Subject, string Body = "", long? TaskId = null);
