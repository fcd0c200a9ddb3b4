namespace FluidManager.Knowledge.Spaces;

/// <summary>What a knowledge space belongs to. The scope sets the default ACL at creation; the ACL alone decides access.</summary>
[GenerateSerializer]
[Alias("fm.knowledge.SpaceScope")]
public enum SpaceScope
{
    /// <summary>The whole company; default rule: everyone reads.</summary>
    Company,

    /// <summary>One department (scopeRef); default rule: that department reads.</summary>
    Department,

    /// <summary>One project (scopeRef); no default rule: say who reads.</summary>
    Project,

    /// <summary>One agent (agentId); default rule: that agent reads and writes.</summary>
    Agent,
}
