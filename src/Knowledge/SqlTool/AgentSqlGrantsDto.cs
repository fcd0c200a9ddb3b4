namespace FluidManager.Knowledge.SqlTool;

/// <summary>The data sources granted to an agent, and whether its profile allows the sql tool at all.</summary>
public sealed record AgentSqlGrantsDto(long AgentId, bool SqlToolEnabled, IReadOnlyList<string> Sources, long AgentVersion);
