using System.Text.RegularExpressions;

namespace FluidManager.Knowledge.Mcp;

/// <summary>
/// The names agents see: <c>server__tool</c> (a server's name is lower-case letters, digits and hyphens;
/// characters a model's function name cannot hold become underscores).
/// </summary>
public static partial class McpNames
{
    public const string Separator = "__";

    public static bool IsServerName(string? name) => name is not null && ServerName().IsMatch(name);

    public static string AgentName(string server, string tool)
    {
        var name = server + Separator + Unsafe().Replace(tool, "_");
        return name.Length <= 64 ? name : name[..64];
    }

    /// <summary>Splits an agent's tool name into server and tool; false when it is not one of these names.</summary>
    public static bool TrySplit(string name, out string server, out string tool)
    {
        var at = name.IndexOf(Separator, StringComparison.Ordinal);
        server = at > 0 ? name[..at] : "";
        tool = at > 0 ? name[(at + Separator.Length)..] : "";
        return at > 0 && tool.Length > 0 && IsServerName(server);
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,29}$")]
    private static partial Regex ServerName();

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex Unsafe();
}
