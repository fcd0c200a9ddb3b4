namespace FluidManager.Grains.Interfaces.Companies;

[GenerateSerializer]
[Alias("fm.companies.ResolveEscalationCommand")]
public sealed record ResolveEscalationCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] long EscalationId,
    [property: Id(2)] string? Resolution = null);
