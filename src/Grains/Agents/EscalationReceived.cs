namespace FluidManager.Grains.Agents;

/// <summary>Posted to a manager's grain when one of its reports escalates.</summary>
public sealed record EscalationReceived(long CompanyId, long EscalationId);
