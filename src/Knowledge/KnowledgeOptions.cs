namespace FluidManager.Knowledge;

/// <summary>
/// Settings of knowledge spaces and of the SQL and web tools. Section <c>Fluid:Knowledge</c>. Every
/// value has a default; the embedding model itself is configured under <c>Fluid:Models:Embeddings</c>,
/// and the chunks' vector column follows its dimension (<see cref="Embeddings.EmbeddingIndex"/>).
/// </summary>
public sealed class KnowledgeOptions
{
    public const string Section = "Fluid:Knowledge";

    public IngestionOptions Ingestion { get; set; } = new();

    public RetrievalOptions Retrieval { get; set; } = new();

    public SqlToolOptions Sql { get; set; } = new();

    public WebToolOptions Web { get; set; } = new();

    public McpToolOptions Mcp { get; set; } = new();
}

/// <summary>MCP servers as tool sources. Section <c>Fluid:Knowledge:Mcp</c>.</summary>
public sealed class McpToolOptions
{
    /// <summary>Longest wait for a server to start and answer the MCP handshake. Default 30 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for one tool call or tool listing. Default 2 minutes.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often each server's health is checked (connected, tools listed again). Default 5 minutes; zero turns the checks off.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest tool answer kept for the model, in characters. Default 20000.</summary>
    public int MaxResultChars { get; set; } = 20_000;

    /// <summary>
    /// The programs a stdio server may start (such as <c>npx</c>, <c>node</c>, <c>uvx</c>), compared with the
    /// command as registered; <c>*</c> allows any. A stdio server runs on the host of the silos with their
    /// rights, so none is allowed until an operator names them (the default: stdio servers are refused,
    /// streamable HTTP servers are not concerned).
    /// </summary>
    public IReadOnlyList<string> AllowedCommands { get; set; } = [];

    /// <summary>Whether <see cref="AllowedCommands"/> lets a stdio server start <paramref name="command"/>.</summary>
    public bool Allows(string command) => AllowedCommands.Any(allowed => allowed == "*" || string.Equals(allowed, command, StringComparison.Ordinal));

    /// <summary>The problem with starting <paramref name="command"/>, or null when it is allowed.</summary>
    public string? CommandProblem(string command) => Allows(command)
        ? null
        : AllowedCommands.Count == 0
            ? "stdio servers are off on this installation: an operator names the programs they may start in Fluid:Knowledge:Mcp:AllowedCommands"
            : $"'{command}' is not among the programs this installation allows (Fluid:Knowledge:Mcp:AllowedCommands: {string.Join(", ", AllowedCommands)})";
}

/// <summary>Upload and ingestion. Section <c>Fluid:Knowledge:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    /// <summary>Largest document accepted, in bytes. Default 20 MB.</summary>
    public long MaxDocumentBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Longest chunk, in characters (about a quarter as many tokens). Default 1200.</summary>
    public int ChunkChars { get; set; } = 1200;

    /// <summary>Characters of whole sentences repeated at the start of the next chunk of a section. Default 200.</summary>
    public int OverlapChars { get; set; } = 200;

    /// <summary>Texts per call to the embedding model. Default 32.</summary>
    public int EmbeddingBatch { get; set; } = 32;

    /// <summary>Attempts of the <c>knowledge.ingest</c> activity before the document is marked failed. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Longest run of one ingestion attempt. Default 10 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Hybrid retrieval. Section <c>Fluid:Knowledge:Retrieval</c>.</summary>
public sealed class RetrievalOptions
{
    /// <summary>Candidates taken from the vector index before fusion. Default 40.</summary>
    public int VectorCandidates { get; set; } = 40;

    /// <summary>Candidates taken from the full-text index before fusion. Default 40.</summary>
    public int TextCandidates { get; set; } = 40;

    /// <summary>The k of reciprocal rank fusion, score = Σ 1 / (k + rank). Default 60.</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>
    /// hnsw.ef_search of each retrieval (the HNSW scan's candidate list). Default 200: on the 100,000-chunk
    /// benchmark with ACL filters keeping a fifth of the chunks, 100 gives recall@10 0.94, 200 gives 0.97.
    /// </summary>
    public int EfSearch { get; set; } = 200;

    /// <summary>Most index tuples an iterative HNSW scan visits while filters reject rows (hnsw.max_scan_tuples). Default 20000.</summary>
    public int MaxScanTuples { get; set; } = 20_000;

    /// <summary>Passages returned when the caller does not say. Default 5.</summary>
    public int DefaultResults { get; set; } = 5;

    /// <summary>Most passages one retrieval returns. Default 20.</summary>
    public int MaxResults { get; set; } = 20;

    /// <summary>Characters of each passage given to the agent. Default 1500.</summary>
    public int SnippetChars { get; set; } = 1500;
}

/// <summary>The SQL tool. Section <c>Fluid:Knowledge:Sql</c>.</summary>
public sealed class SqlToolOptions
{
    /// <summary>statement_timeout of an agent's statement. Default 5 s.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most rows returned to the agent. Default 200.</summary>
    public int MaxRows { get; set; } = 200;

    /// <summary>Most bytes of rows (as JSON) returned to the agent. Default 256 KB.</summary>
    public int MaxBytes { get; set; } = 256 * 1024;

    /// <summary>Longest statement accepted, in characters. Default 20000.</summary>
    public int MaxStatementChars { get; set; } = 20_000;

    /// <summary>Most positional parameters ($1, $2…) of one statement. Default 20.</summary>
    public int MaxParameters { get; set; } = 20;
}

/// <summary>The web tool. Section <c>Fluid:Knowledge:Web</c>.</summary>
public sealed class WebToolOptions
{
    /// <summary>Whole request time, redirects and body included. Default 15 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time to open a connection. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most bytes of a response body read (after decompression); the rest is cut. Default 2 MB.</summary>
    public int MaxResponseBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Longest URL accepted. Default 2048.</summary>
    public int MaxUrlChars { get; set; } = 2048;

    /// <summary>Redirects followed, each checked against the allowlist again. Default 5.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Requests one agent may make per UTC day. Default 100.</summary>
    public int DailyQuota { get; set; } = 100;

    /// <summary>Characters of readable text returned to the agent. Default 40000.</summary>
    public int MaxTextChars { get; set; } = 40_000;

    /// <summary>
    /// Hosts every web-enabled agent may reach in addition to its own allowlisted domains (host names,
    /// <c>*.example.com</c> or IP literals). Default none; tests allowlist 127.0.0.1 here.
    /// </summary>
    public IList<string> AdditionalHosts { get; set; } = [];

    /// <summary>
    /// Networks (CIDR, such as <c>127.0.0.1/32</c> or <c>10.0.0.0/8</c>) whose private, loopback or link-local
    /// addresses may be reached. Default none: such addresses are refused whatever the host's name.
    /// </summary>
    public IList<string> AllowedPrivateNetworks { get; set; } = [];

    /// <summary>The User-Agent header sent. Default <c>fluidManager-agent/1.0</c>.</summary>
    public string UserAgent { get; set; } = "fluidManager-agent/1.0";
}
