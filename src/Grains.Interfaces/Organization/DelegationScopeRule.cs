namespace FluidManager.Grains.Interfaces.Organization;

[GenerateSerializer]
[Alias("fm.organization.DelegationScopeRule")]
public sealed record DelegationScopeRule([property: Id(0)] DelegationScope Scope);
