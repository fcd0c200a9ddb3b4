namespace FluidManager.Grains.Interfaces.Agents;

public enum AgentSeniority
{
    Junior,
    Mid,
    Senior,
    Lead,
    Principal,
    Executive,
}
