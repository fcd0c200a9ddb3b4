namespace FluidManager.Grains.Interfaces.Organization;

public enum DelegationScope
{
    DirectSubordinates,
    Subtree,
}
