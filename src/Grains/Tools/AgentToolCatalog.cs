namespace FluidManager.Grains.Tools;

/// <summary>The registered <see cref="IAgentTool"/>s, by name and by the rights an agent holds.</summary>
public sealed class AgentToolCatalog(IEnumerable<IAgentTool> tools)
{
    /// <summary>The <see cref="IAgentTool.Permission"/> of a tool every agent is offered (its memory tools), whatever its rights.</summary>
    public const string EveryAgent = "*";

    private readonly IReadOnlyList<IAgentTool> _tools = tools.GroupBy(t => t.Name, StringComparer.Ordinal).Select(g => g.Last()).ToList();

    public IReadOnlyList<IAgentTool> All => _tools;

    public IAgentTool? Find(string name) => _tools.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>The tools an agent whose profile allows <paramref name="allowedTools"/> (rag, sql, web) is offered, and those every agent is.</summary>
    public IReadOnlyList<IAgentTool> For(IEnumerable<string> allowedTools)
    {
        var rights = allowedTools.Select(t => t.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        return _tools.Where(t => t.Permission == EveryAgent || rights.Contains(t.Permission)).ToList();
    }
}
