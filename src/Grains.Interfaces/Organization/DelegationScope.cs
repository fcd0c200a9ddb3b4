namespace FluidManager.Grains.Interfaces.Organization;

[GenerateSerializer]
[Alias("fm.organization.DelegationScope")]
public enum DelegationScope
{
    DirectSubordinates,
    Subtree,
}
