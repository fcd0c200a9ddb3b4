using FluidManager.Models;

namespace FluidManager.Grains.Tools;

/// <summary>
/// A governed tool an agent can call (knowledge search, SQL, web). Tools are slow work: the agent loop
/// runs them in the <see cref="AgentToolActivity"/> activity, never inside a turn. A tool checks the
/// calling agent's rights itself and answers a refusal as <see cref="AgentToolStatus.Denied"/> (recorded
/// in its audit), not as an exception.
/// </summary>
public interface IAgentTool
{
    /// <summary>The function name offered to the model, such as <c>search_knowledge</c>; equals <see cref="Definition"/>'s name.</summary>
    string Name { get; }

    /// <summary>The right the agent needs in its profile's allowed tools (<c>rag</c>, <c>sql</c> or <c>web</c>) to be offered this tool.</summary>
    string Permission { get; }

    /// <summary>Name, description and JSON schema of the arguments, as offered to the model.</summary>
    ToolDefinition Definition { get; }

    Task<AgentToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken);
}
