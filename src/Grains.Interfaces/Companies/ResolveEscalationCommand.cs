namespace FluidManager.Grains.Interfaces.Companies;

public sealed record ResolveEscalationCommand(long CompanyId, long EscalationId, string? Resolution = null);
