using System.Globalization;
using System.Text;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;
using FluidManager.Knowledge.Web;
using FluidManager.Models;

namespace FluidManager.Knowledge.Tools;

/// <summary><c>fetch_web_page</c>: reads one page of an allowlisted site as readable text. Every request is logged.</summary>
public sealed class WebFetchTool(WebFetcher fetcher) : IAgentTool
{
    public const string ToolName = "fetch_web_page";

    public static ToolDefinition DefinitionValue { get; } = ToolDefinition.Create(
        ToolName,
        "Read a web page (http or https) of a site you are allowed to reach; returns its readable text. Requests count against your daily quota.",
        """
        {"type":"object","properties":{
          "url":{"type":"string","description":"The absolute URL to read."}},
         "required":["url"]}
        """);

    public string Name => ToolName;

    public string Permission => AgentTools.Web;

    public ToolDefinition Definition => DefinitionValue;

    public async Task<AgentToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (ToolArgs.Parse(invocation.ArgumentsJson) is not { } args)
        {
            return AgentToolResult.Error("the arguments are not a JSON object.");
        }

        if (args.Text("url", "link", "href", "address") is not { } url)
        {
            return AgentToolResult.Error("'url' is required.");
        }

        var result = await fetcher.FetchAsync(invocation.CompanyId, invocation.AgentId, invocation.TaskId, url, cancellationToken);
        var metadata = ToolJson.Of(new
        {
            logId = result.LogId,
            outcome = result.Outcome,
            result.FinalUrl,
            result.StatusCode,
            result.ContentType,
            result.Bytes,
            result.Truncated,
            result.Redirects,
            durationMs = Math.Round(result.DurationMs, 1),
        });
        return result.Outcome switch
        {
            WebOutcome.Ok => AgentToolResult.Ok(Describe(result), metadata),
            WebOutcome.Denied => AgentToolResult.Denied(result.Reason!, metadata),
            _ => AgentToolResult.Error(result.Reason!, metadata),
        };
    }

    private static string Describe(WebFetchResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{result.FinalUrl} ({result.StatusCode}, {result.ContentType}, {result.Bytes:N0} bytes{(result.Truncated ? ", cut at the size limit" : "")})");
        if (result.Title is { Length: > 0 } title)
        {
            text.Append(" — ").Append(title);
        }

        return text.Append("\n\n").Append(result.Text).ToString();
    }
}
