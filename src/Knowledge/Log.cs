using Microsoft.Extensions.Logging;

namespace FluidManager.Knowledge;

/// <summary>
/// The knowledge layer's log messages. Event ids: 5000-5099 spaces and ingestion, 5100-5199 retrieval,
/// 5200-5299 the SQL tool, 5300-5399 the web tool, 5400-5499 the embedding index, 5500-5599 MCP servers, 5600-5699 e-mail.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(5001, LogLevel.Information, "Company {CompanyId}: ACL of knowledge space {SpaceId} set to {Rules} rules by {Actor}")]
    public static partial void AclChanged(ILogger logger, long companyId, long spaceId, int rules, string? actor);

    [LoggerMessage(5002, LogLevel.Information, "Company {CompanyId}: document {DocumentId} generation {Generation} ready ({Chunks} chunks)")]
    public static partial void DocumentReady(ILogger logger, long companyId, long documentId, int generation, int chunks);

    [LoggerMessage(5003, LogLevel.Warning, "Company {CompanyId}: ingestion of document {DocumentId} generation {Generation} failed: {Error}")]
    public static partial void DocumentFailed(ILogger logger, long companyId, long documentId, int generation, string error);

    [LoggerMessage(5004, LogLevel.Debug, "Document {DocumentId} generation {Generation}: superseded before it started")]
    public static partial void IngestionSuperseded(ILogger logger, long documentId, int generation);

    [LoggerMessage(5005, LogLevel.Information, "Document {DocumentId} generation {Generation}: {Chunks} chunks written in {Milliseconds} ms")]
    public static partial void ChunksWritten(ILogger logger, long documentId, int generation, int chunks, long milliseconds);

    [LoggerMessage(5101, LogLevel.Information, "Company {CompanyId}: knowledge search by agent {AgentId} denied: {Reason}")]
    public static partial void RetrievalDenied(ILogger logger, long companyId, long agentId, string reason);

    [LoggerMessage(5102, LogLevel.Error, "Company {CompanyId}: a denial could not be recorded as an event")]
    public static partial void DenialNotRecorded(ILogger logger, long companyId, Exception exception);

    [LoggerMessage(5201, LogLevel.Information, "Company {CompanyId}: sql by agent {AgentId} {Outcome}: {Reason}")]
    public static partial void SqlRefused(ILogger logger, long companyId, long agentId, string outcome, string reason);

    [LoggerMessage(5202, LogLevel.Error, "The sql tool is disabled: {Reason}")]
    public static partial void SqlToolUnsafe(ILogger logger, string reason);

    [LoggerMessage(5301, LogLevel.Information, "Company {CompanyId}: web {Kind} by agent {AgentId} {Outcome}: {Reason}")]
    public static partial void WebRefused(ILogger logger, long companyId, long agentId, string kind, string outcome, string reason);

    [LoggerMessage(5401, LogLevel.Information, "Knowledge index adopted by embedding model {Model} ({Dimensions} dimensions; the empty column had {Previous})")]
    public static partial void EmbeddingIndexAdopted(ILogger logger, string model, int dimensions, int previous);

    [LoggerMessage(5402, LogLevel.Error, "{Problem}")]
    public static partial void EmbeddingIndexMismatch(ILogger logger, string problem);

    [LoggerMessage(5403, LogLevel.Error, "The knowledge index could not be checked at start-up")]
    public static partial void EmbeddingIndexCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(5404, LogLevel.Information, "Re-embed {ActivityId} started with {Model} ({Dimensions} dimensions) by {Actor}")]
    public static partial void ReembedStarted(ILogger logger, Guid activityId, string model, int dimensions, string? actor);

    [LoggerMessage(5405, LogLevel.Information, "Re-embedded {Chunks} chunks with {Model} ({Dimensions} dimensions)")]
    public static partial void Reembedded(ILogger logger, int chunks, string model, int dimensions);

    [LoggerMessage(5406, LogLevel.Error, "Re-embed {ActivityId} failed: {Error}")]
    public static partial void ReembedFailed(ILogger logger, Guid activityId, string error);

    [LoggerMessage(5501, LogLevel.Information, "Company {CompanyId}: MCP server {Server} listed {Tools} tools")]
    public static partial void McpToolsListed(ILogger logger, long companyId, string server, int tools);

    [LoggerMessage(5502, LogLevel.Warning, "Company {CompanyId}: MCP server {Server} failed: {Error}")]
    public static partial void McpServerFailed(ILogger logger, long companyId, string server, string error);

    [LoggerMessage(5503, LogLevel.Information, "Company {CompanyId}: MCP tool {Tool} of {Server} called by agent {AgentId} ({Outcome}, {DurationMs} ms)")]
    public static partial void McpToolCalled(ILogger logger, long companyId, string server, string tool, long agentId, string outcome, long durationMs);

    [LoggerMessage(5504, LogLevel.Warning, "Company {CompanyId}: MCP tool {Tool} of {Server}: an interrupted call is not repeated (the tool is not idempotent)")]
    public static partial void McpCallNotRepeated(ILogger logger, long companyId, string server, string tool);

    [LoggerMessage(5505, LogLevel.Warning, "The health check of MCP servers failed")]
    public static partial void McpHealthCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(5601, LogLevel.Information, "Company {CompanyId}: agent {AgentId} sent e-mail {MessageId} to {Recipients} recipients")]
    public static partial void EmailSent(ILogger logger, long companyId, long agentId, string messageId, int recipients);

    [LoggerMessage(5611, LogLevel.Information, "Company {CompanyId}: the mailbox check of schedule {ScheduleId} took {Messages} new message(s) from {Folder} ({Left} left for the next check)")]
    public static partial void MailboxChecked(ILogger logger, long companyId, long scheduleId, string folder, int messages, int left);

    [LoggerMessage(5612, LogLevel.Warning, "Company {CompanyId}: the messages a mailbox check took could not be marked as read: {Error}")]
    public static partial void MailboxSeenNotMarked(ILogger logger, long companyId, string error);
}
