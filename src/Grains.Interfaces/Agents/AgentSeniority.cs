namespace FluidManager.Grains.Interfaces.Agents;

[GenerateSerializer]
[Alias("fm.agents.AgentSeniority")]
public enum AgentSeniority
{
    Junior,
    Mid,
    Senior,
    Lead,
    Principal,
    Executive,
}
