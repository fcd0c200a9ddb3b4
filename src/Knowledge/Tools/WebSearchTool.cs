using System.Diagnostics;
using System.Text;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;
using FluidManager.Knowledge.Audit;
using FluidManager.Knowledge.Web;
using FluidManager.Models;

namespace FluidManager.Knowledge.Tools;

/// <summary>
/// <c>search_web</c>: asks the configured search provider (none by default: the tool is registered only
/// with a provider, by <c>AddWebSearchProvider</c>). Counts against the agent's daily web quota; logged.
/// </summary>
public sealed class WebSearchTool(IEnumerable<IWebSearchProvider> providers, WebFetcher fetcher, DenialRecorder denials) : IAgentTool
{
    public const string ToolName = "search_web";

    public static ToolDefinition DefinitionValue { get; } = ToolDefinition.Create(
        ToolName,
        "Search the web; returns titles, URLs and snippets. Only pages of sites you are allowed to reach can then be read.",
        """
        {"type":"object","properties":{
          "query":{"type":"string","description":"What to search for."},
          "limit":{"type":"integer","description":"How many results (1-10, default 5)."}},
         "required":["query"]}
        """);

    public string Name => ToolName;

    public string Permission => AgentTools.Web;

    public ToolDefinition Definition => DefinitionValue;

    public async Task<AgentToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (ToolArgs.Parse(invocation.ArgumentsJson) is not { } args || args.Text("query", "q", "search") is not { } query)
        {
            return AgentToolResult.Error("'query' is required.");
        }

        var clock = Stopwatch.StartNew();
        if (providers.FirstOrDefault() is not { } provider)
        {
            return AgentToolResult.Error("no web search provider is configured.");
        }

        if (await fetcher.AdmitSearchAsync(invocation.CompanyId, invocation.AgentId, cancellationToken) is { } refused)
        {
            await fetcher.LogSearchAsync(invocation.CompanyId, invocation.AgentId, invocation.TaskId, query, WebOutcome.Denied, refused, clock.Elapsed.TotalMilliseconds, cancellationToken);
            await denials.RecordAsync(invocation.CompanyId, invocation.AgentId, invocation.TaskId, "web.search", WebFetcher.Rule, refused);
            return AgentToolResult.Denied(refused);
        }

        var limit = (int)Math.Clamp(args.Long("limit", "k", "count") ?? 5, 1, 10);
        IReadOnlyList<WebSearchHit> hits;
        try
        {
            hits = await provider.SearchAsync(query, limit, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            await fetcher.LogSearchAsync(invocation.CompanyId, invocation.AgentId, invocation.TaskId, query, WebOutcome.Error, ex.Message, clock.Elapsed.TotalMilliseconds, cancellationToken);
            return AgentToolResult.Error($"the search provider failed: {ex.Message}");
        }

        var logId = await fetcher.LogSearchAsync(invocation.CompanyId, invocation.AgentId, invocation.TaskId, query, WebOutcome.Ok, null, clock.Elapsed.TotalMilliseconds, cancellationToken);
        var text = new StringBuilder($"{hits.Count} result(s) from {provider.Name}:\n");
        for (var i = 0; i < hits.Count; i++)
        {
            text.Append('\n').Append(i + 1).Append(". ").Append(hits[i].Title).Append('\n').Append(hits[i].Url).Append('\n').Append(hits[i].Snippet).Append('\n');
        }

        return AgentToolResult.Ok(text.ToString(), ToolJson.Of(new { logId, provider = provider.Name, results = hits }));
    }
}
