using System.Text.Json;

namespace FluidManager.Grains.Interfaces.Work;

/// <summary>The tool call an approval holds: the tool as the agent sees it, its server and class, and the arguments it will run with.</summary>
[GenerateSerializer]
[Alias("fm.work.ApprovalToolCall")]
public sealed record ApprovalToolCall(
    [property: Id(0)] string Tool,
    [property: Id(1)] string Server,
    [property: Id(2)] string ServerTool,
    [property: Id(3)] string Classification,
    [property: Id(4)] JsonElement Arguments);
