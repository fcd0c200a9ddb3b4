namespace FluidManager.Knowledge.SqlTool;

/// <summary>One statement an agent wants to run, with its positional parameters ($1, $2…) as text (null for SQL NULL).</summary>
public sealed record SqlRequest(long CompanyId, long AgentId, string Sql, IReadOnlyList<string?>? Parameters = null, long? TaskId = null, string? Actor = null);
