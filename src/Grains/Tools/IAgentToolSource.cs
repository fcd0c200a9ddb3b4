using FluidManager.Models;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Tools;

/// <summary>
/// A source of tools that differ per company and per agent (the MCP servers a company registers): the
/// agent loop asks it, inside its turn, which tools the agent is offered and whether a call may run;
/// the <see cref="AgentToolActivity"/> asks it to run an allowed call, outside any turn.
/// </summary>
public interface IAgentToolSource
{
    /// <summary>Whether <paramref name="toolName"/> is one of this source's names (whether or not such a tool exists).</summary>
    bool Owns(string toolName);

    /// <summary>The tools granted to the agent, as offered to the model (a read in the turn's transaction).</summary>
    Task<IReadOnlyList<ToolDefinition>> OfferedAsync(ITurnContext context, long companyId, long agentId);

    /// <summary>Whether the agent may call the tool, and what it is (a read in the turn's transaction).</summary>
    Task<ToolGate> CheckAsync(ITurnContext context, long companyId, long agentId, string toolName);

    /// <summary>Runs an allowed call; <paramref name="idempotencyKey"/> is the activity's id, the same on every attempt.</summary>
    Task<AgentToolResult> ExecuteAsync(string toolName, ToolInvocation invocation, Guid idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>How a tool is classified: what a call may do to the world.</summary>
public enum ToolClass
{
    /// <summary>Reads only.</summary>
    Read,

    /// <summary>Changes something within the company's reach (a file, a record).</summary>
    Write,

    /// <summary>Acts outside the company (a message, an order, a post).</summary>
    External,
}

/// <summary>
/// The answer of <see cref="IAgentToolSource.CheckAsync"/>: granted or not (with the rule and reason of
/// a refusal), the tool's class, and what an approval request would show.
/// </summary>
public sealed record ToolGate(bool Granted, ToolClass Class, string Server, string ServerTool, string? Rule = null, string? Reason = null)
{
    public static ToolGate Denied(string rule, string reason, string server = "", string serverTool = "") => new(false, ToolClass.Read, server, serverTool, rule, reason);
}
