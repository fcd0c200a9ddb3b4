namespace FluidManager.Grains.Tools;

/// <summary>
/// One call of a tool by an agent: who calls, for which task, with the model's arguments (a JSON object).
/// CallId, optional, is the model's tool-call id or the loop's step key, for the trace.
/// </summary>
public sealed record ToolInvocation(long CompanyId, long AgentId, long? TaskId, string ArgumentsJson, string? CallId = null);
