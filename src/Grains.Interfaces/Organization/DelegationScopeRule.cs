namespace FluidManager.Grains.Interfaces.Organization;

public sealed record DelegationScopeRule(DelegationScope Scope);
