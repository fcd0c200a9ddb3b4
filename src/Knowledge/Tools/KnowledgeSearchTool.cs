using System.Globalization;
using System.Text;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;
using FluidManager.Knowledge.Embeddings;
using FluidManager.Knowledge.Retrieval;
using FluidManager.Models;

namespace FluidManager.Knowledge.Tools;

/// <summary>
/// <c>search_knowledge</c>: hybrid search over the knowledge spaces the agent may read. The answer lists
/// numbered passages to cite as [n]; the metadata carries the citations (document, chunk, position, score)
/// and the retrieval's audit id, for the trace. An agent that may read no (matching) space is denied.
/// </summary>
public sealed class KnowledgeSearchTool(KnowledgeRetriever retriever) : IAgentTool
{
    public const string ToolName = StandardTools.SearchKnowledge;

    public static ToolDefinition DefinitionValue { get; } = ToolDefinition.Create(
        ToolName,
        "Search the company's knowledge spaces you are allowed to read (documents, policies, notes). Returns numbered passages with their document; cite the ones you use as [n].",
        """
        {"type":"object","properties":{
          "query":{"type":"string","description":"What you are looking for, in words."},
          "space":{"type":"string","description":"Optional: the name or id of one knowledge space to search."},
          "limit":{"type":"integer","description":"How many passages (1-20, default 5)."}},
         "required":["query"]}
        """);

    public string Name => ToolName;

    public string Permission => AgentTools.Rag;

    public ToolDefinition Definition => DefinitionValue;

    public async Task<AgentToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (ToolArgs.Parse(invocation.ArgumentsJson) is not { } args)
        {
            return AgentToolResult.Error("the arguments are not a JSON object.");
        }

        if (args.Text("query", "q", "question", "search", "text") is not { } query)
        {
            return AgentToolResult.Error("'query' is required.");
        }

        var space = args.Text("space", "space_name", "space_id", "knowledge_space");
        long? spaceId = space is not null && long.TryParse(space, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        var limit = args.Long("limit", "k", "top_k", "count");
        RetrievalResult result;
        try
        {
            result = await retriever.SearchAsync(
                new RetrievalRequest(invocation.CompanyId, invocation.AgentId, query, invocation.TaskId, spaceId, spaceId is null ? space : null, (int?)limit),
                cancellationToken);
        }
        catch (ValidationException ex)
        {
            return AgentToolResult.Error(ex.Message);
        }
        catch (ConflictException ex) when (ex.Code == EmbeddingIndex.ReembedRequired)
        {
            // The index waits for a re-embed: the agent is told, rather than the call retried until it fails.
            return AgentToolResult.Error("knowledge search is unavailable for now: " + ex.Message);
        }

        var metadata = ToolJson.Of(new
        {
            retrievalId = result.RetrievalId,
            spaces = result.Spaces,
            citations = result.Citations.Select(c => new
            {
                n = c.Rank, c.DocumentId, c.DocumentName, c.SpaceId, c.SpaceName, c.ChunkId, c.Ordinal, c.Heading, c.CharStart, c.CharEnd,
                score = Math.Round(c.Score, 6), c.VectorRank, c.TextRank,
            }),
        });
        if (!result.Allowed)
        {
            return AgentToolResult.Denied(result.Reason! + ".", metadata);
        }

        return AgentToolResult.Ok(Describe(query, result), metadata);
    }

    private static string Describe(string query, RetrievalResult result)
    {
        if (result.Citations.Count == 0)
        {
            return $"no passage matches \"{query}\" in the {result.Spaces.Count} knowledge space(s) you may read.";
        }

        var text = new StringBuilder($"{result.Citations.Count} passage(s) from the knowledge spaces you may read; cite them as [n]:\n");
        foreach (var c in result.Citations)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n[{c.Rank}] \"{c.DocumentName}\" (space \"{c.SpaceName}\"")
                .Append(c.Heading.Length > 0 ? $", section \"{c.Heading}\"" : "")
                .Append(CultureInfo.InvariantCulture, $", passage {c.Ordinal + 1}, characters {c.CharStart}-{c.CharEnd})\n")
                .Append(c.Text.Trim()).Append('\n');
        }

        return text.ToString();
    }
}
