namespace FluidManager.Grains.Interfaces.Agents;

/// <summary>The governed tools an agent may be allowed to use.</summary>
public static class AgentTools
{
    public const string Rag = "rag";
    public const string Sql = "sql";
    public const string Web = "web";

    /// <summary>The send_email tool (once the company has an SMTP account).</summary>
    public const string Email = "email";

    /// <summary>The emit_event tool: custom events that workflow triggers act on.</summary>
    public const string Events = "events";

    public static IReadOnlyList<string> All { get; } = [Rag, Sql, Web, Email, Events];
}
