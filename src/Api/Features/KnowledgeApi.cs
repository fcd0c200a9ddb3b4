using System.Text.Json;
using FluidManager.Api.Access;
using FluidManager.Api.Hosting;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Storage;
using FluidManager.Knowledge;
using FluidManager.Knowledge.Retrieval;
using FluidManager.Knowledge.Spaces;
using FluidManager.Knowledge.SqlTool;
using FluidManager.Knowledge.Web;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Features;

public sealed record CreateKnowledgeSpaceRequest(string? Name, string? Description, SpaceScope? Scope, string? ScopeRef, long? AgentId, IReadOnlyList<AclRule>? Acl);

public sealed record UpdateKnowledgeSpaceRequest(string? Name, string? Description, long? ExpectedVersion);

/// <summary>
/// The document's new tags and/or metadata; an absent one is left as it is, an empty one clears it. <c>expectedVersion</c>
/// (or <c>If-Match</c>): the version the change was made on; without either, the change is made whatever the version.
/// </summary>
public sealed record UpdateKnowledgeDocumentRequest(IReadOnlyList<string?>? Tags, IReadOnlyDictionary<string, string?>? Metadata, long? ExpectedVersion = null);

public sealed record SetKnowledgeAclRequest(IReadOnlyList<AclRule>? Rules, long? ExpectedVersion);

/// <summary>A search made as an agent: <c>space</c> (a name) or <c>spaceId</c> narrows it to one space.</summary>
public sealed record KnowledgeSearchRequest(long? AgentId, string? Query, long? SpaceId, string? Space, int? Limit, long? TaskId);

public sealed record KnowledgeSearchResponse(long RetrievalId, IReadOnlyList<long> Spaces, IReadOnlyList<Citation> Citations, double DurationMs);

/// <summary>A statement run as an agent, with values for $1, $2… in <c>parameters</c>.</summary>
public sealed record SqlQueryRequest(long? AgentId, string? Sql, IReadOnlyList<JsonElement>? Parameters, long? TaskId);

public sealed record DemoCrmRequest(int? Customers);

public sealed record DemoCrmResponse(int Customers);

public sealed record WebFetchRequest(long? AgentId, string? Url, long? TaskId);

/// <summary>
/// Knowledge and data for agents: knowledge spaces with their ACL and documents (upload, ingestion
/// status, retry), searches and SQL statements and web fetches made as an agent (the same checks as the
/// agent's own tool calls: a refusal is a 403 and is recorded), SQL data-source grants per agent, and
/// the audits of all three tools.
/// </summary>
public static class KnowledgeApi
{
    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/knowledge").WithTags("Knowledge");
        var maxDocument = app.ServiceProvider.GetRequiredService<IOptions<KnowledgeOptions>>().Value.Ingestion.MaxDocumentBytes;

        group.MapGet("/spaces", ListSpacesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListKnowledgeSpaces")
            .WithSummary("The company's knowledge spaces with their ACL rules and document counts.");

        group.MapPost("/spaces", CreateSpaceAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateKnowledgeSpace")
            .WithSummary("Creates a space scoped to the company, a department or project (scopeRef) or an agent (agentId). Without acl, the scope's default rules are written: everyone, the department, nobody, or the agent.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/spaces/{id:long}", GetSpaceAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetKnowledgeSpace")
            .WithSummary("One space; the ETag header is its version.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/spaces/{id:long}", UpdateSpaceAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateKnowledgeSpace")
            .WithSummary("Renames a space or changes its description (If-Match or expectedVersion: 412 when stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/spaces/{id:long}", DeleteSpaceAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteKnowledgeSpace")
            .WithSummary("Deletes a space with its documents, chunks and stored bytes.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapGet("/spaces/{id:long}/acl", GetAclAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetKnowledgeSpaceAcl")
            .WithSummary("The space's ACL rules: kind (everyone, agent, role, department), name or agentId, canRead, canWrite.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/spaces/{id:long}/acl", SetAclAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SetKnowledgeSpaceAcl")
            .WithSummary("Replaces the space's ACL rules. Retrieval applies them inside its SQL statement from the next search on.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapGet("/spaces/{id:long}/documents", ListDocumentsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListKnowledgeDocuments")
            .WithSummary("The space's documents with their ingestion status (pending, ingesting, ready, failed), error, progress, tags and metadata; tag keeps those carrying that tag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/spaces/{id:long}/documents", UploadDocumentAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .DisableAntiforgery()
            .WithRequestBodyLimit(maxDocument + (64 * 1024))
            .WithName("UploadKnowledgeDocument")
            .WithSummary("Uploads a document (multipart/form-data, field \"file\"; optional \"name\", \"tags\" (comma-separated) and \"metadata\" (a JSON object of strings)): text, Markdown, HTML, CSV, JSON, PDF, Word (.docx) or Excel (.xlsx). 202: ingestion is queued; "
                + "an encrypted or damaged file fails its ingestion with the reason in the document's error; "
                + "a document of the same name is replaced, its previous chunks staying searchable until the new ones are ready. Limit: Fluid:Knowledge:Ingestion:MaxDocumentBytes.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        group.MapGet("/spaces/{id:long}/documents/{documentId:long}", GetDocumentAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetKnowledgeDocument")
            .WithSummary("One document with its ingestion status and progress; the ETag header is its version.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/spaces/{id:long}/documents/{documentId:long}", UpdateDocumentAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateKnowledgeDocument")
            .WithSummary("Replaces the document's tags (lower-cased, at most 20) and/or metadata (a flat object of strings, at most 30 entries); an absent field is left as it is. If-Match or expectedVersion: 412 when the document changed meanwhile (without either, the change is made whatever the version).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/spaces/{id:long}/documents/{documentId:long}/retry", RetryDocumentAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RetryKnowledgeDocument")
            .WithSummary("Ingests the document again from its stored bytes (409 while it is being ingested).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/spaces/{id:long}/documents/{documentId:long}", DeleteDocumentAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteKnowledgeDocument")
            .WithSummary("Deletes the document, its chunks and its stored bytes.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/search", SearchAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SearchKnowledgeAsAgent")
            .WithSummary("Searches as an agent (hybrid: vector and full text, fused by rank), over the spaces it may read. 200 with citations, or 403 when the agent may read no (matching) space: the denial is recorded.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/retrievals", ListRetrievalsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListKnowledgeRetrievals")
            .WithSummary("The audit of searches, newest first, with the passages each returned; filters agentId, taskId, allowed, before (an id), limit.")
            .ProducesValidationProblem();

        group.MapGet("/sql/sources", ListSqlSourcesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListSqlSources")
            .WithSummary("The data sources that can be granted to agents: views (and schemas, meaning all their views) with their columns.");

        group.MapGet("/sql/agents/{agentId:long}/sources", GetSqlGrantsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAgentSqlSources")
            .WithSummary("The data sources granted to an agent, and whether its profile allows the sql tool.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/sql/agents/{agentId:long}/sources/{source}", GrantSqlSourceAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("GrantAgentSqlSource")
            .WithSummary("Grants a data source (such as crm.customers, or crm for every crm view) to an agent; idempotent. The sql tool must also be among the agent's allowed tools.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/sql/agents/{agentId:long}/sources/{source}", RevokeSqlSourceAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RevokeAgentSqlSource")
            .WithSummary("Revokes a data source from an agent; idempotent.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/sql/query", QueryAsAgentAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("QuerySqlAsAgent")
            .WithSummary("Runs one read-only statement as an agent, exactly as its sql tool does. 200 with rows; 403 when PostgreSQL or the tool refuses it; 422 when it is invalid, times out or fails. Audited either way.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/sql/demo-crm", SeedDemoCrmAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SeedDemoCrm")
            .WithSummary("Fills the company's demo CRM (customers and orders, the same rows every time; existing rows are kept).")
            .ProducesValidationProblem();

        group.MapGet("/sql/audit", ListSqlAuditAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListSqlAudit")
            .WithSummary("Every statement agents sent, newest first: SQL, parameters, outcome (ok, denied, invalid, timeout, error), reason, rows, duration; filters agentId, outcome, before, limit.")
            .ProducesValidationProblem();

        group.MapPost("/web/fetch", FetchAsAgentAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("FetchWebAsAgent")
            .WithSummary("Fetches a page as an agent, exactly as its web tool does. 200 with the readable text; 403 when refused (tool, allowlist, private address, quota); 422 when the fetch fails. Logged either way.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/web/log", ListWebLogAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListWebLog")
            .WithSummary("Every web request agents made, newest first; filters agentId, outcome (ok, denied, error, timeout), before, limit.")
            .ProducesValidationProblem();

        return app;
    }

    private static async Task<Ok<IReadOnlyList<KnowledgeSpaceDto>>> ListSpacesAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IKnowledgeGrain>(caller.CompanyId).ListSpacesAsync(caller.CompanyId));

    private static async Task<Created<KnowledgeSpaceDto>> CreateSpaceAsync(CreateKnowledgeSpaceRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var space = await grains.GetGrain<IKnowledgeGrain>(caller.CompanyId).CreateSpaceAsync(new CreateSpaceCommand(
            caller.CompanyId, request.Name!, request.Description, request.Scope ?? SpaceScope.Company, request.ScopeRef, request.AgentId, request.Acl));
        return http.WithETag(TypedResults.Created($"/api/knowledge/spaces/{space.Id}", space), space.Version);
    }

    private static async Task<Results<Ok<KnowledgeSpaceDto>, StatusCodeHttpResult>> GetSpaceAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var space = await grains.GetGrain<IKnowledgeSpaceGrain>(id).GetAsync(caller.CompanyId);
        return http.OkOrNotModified(space, space.Version);
    }

    private static async Task<Ok<KnowledgeSpaceDto>> UpdateSpaceAsync(long id, UpdateKnowledgeSpaceRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var space = await grains.GetGrain<IKnowledgeSpaceGrain>(id)
            .UpdateAsync(new UpdateSpaceCommand(caller.CompanyId, request.Name!, request.Description, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(space), space.Version);
    }

    private static async Task<NoContent> DeleteSpaceAsync(long id, ICompanyContext caller, IGrainFactory grains, IObjectStore store, HttpContext http)
    {
        var keys = await grains.GetGrain<IKnowledgeSpaceGrain>(id).DeleteAsync(caller.CompanyId, Versions.Expected(http));
        foreach (var key in keys)
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<AclRule>>> GetAclAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<IKnowledgeSpaceGrain>(id).GetAsync(caller.CompanyId)).Acl);

    private static async Task<Ok<KnowledgeSpaceDto>> SetAclAsync(long id, SetKnowledgeAclRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var rules = request.Rules ?? throw new ValidationException("rules", "is required (an empty list removes every rule)");
        var space = await grains.GetGrain<IKnowledgeSpaceGrain>(id).SetAclAsync(new SetAclCommand(caller.CompanyId, rules, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(space), space.Version);
    }

    private static async Task<Ok<IReadOnlyList<DocumentDto>>> ListDocumentsAsync(long id, ICompanyContext caller, IGrainFactory grains, string? tag = null) =>
        TypedResults.Ok(await grains.GetGrain<IKnowledgeSpaceGrain>(id).ListDocumentsAsync(caller.CompanyId, tag));

    private static async Task<Ok<DocumentDto>> UpdateDocumentAsync(
        long id, long documentId, UpdateKnowledgeDocumentRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var document = await grains.GetGrain<IKnowledgeSpaceGrain>(id).UpdateDocumentAsync(
            new UpdateDocumentCommand(caller.CompanyId, documentId, request.Tags, request.Metadata, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(document), document.Version);
    }

    private static async Task<Accepted<DocumentDto>> UploadDocumentAsync(
        long id,
        IFormFile? file,
        [FromForm] string? name,
        [FromForm] string? tags,
        [FromForm] string? metadata,
        ICompanyContext caller,
        IGrainFactory grains,
        IObjectStore store,
        CancellationToken cancellationToken)
    {
        var upload = Uploads.Require(file);
        var labels = UploadLabels(tags, metadata);
        var space = grains.GetGrain<IKnowledgeSpaceGrain>(id);
        await space.GetAsync(caller.CompanyId); // 404 before any byte is stored
        var key = ObjectKeys.CompanyPrefix(caller.CompanyId) + "knowledge/" + Guid.CreateVersion7().ToString("N");
        var contentType = string.IsNullOrWhiteSpace(upload.ContentType) ? "application/octet-stream" : upload.ContentType;
        Grains.Interfaces.Artifacts.StoredObject stored;
        await using (var content = upload.OpenReadStream())
        {
            stored = await store.PutAsync(key, content, contentType, cancellationToken);
        }

        DocumentUpload recorded;
        try
        {
            recorded = await space.AddDocumentAsync(new AddDocumentCommand(
                caller.CompanyId, string.IsNullOrWhiteSpace(name) ? Uploads.NameOf(upload, "document") : name, stored, labels.Tags, labels.Metadata));
        }
        catch
        {
            await store.DeleteAsync(key, CancellationToken.None);
            throw;
        }

        if (recorded.ReplacedStorageKey is { } replaced)
        {
            await store.DeleteAsync(replaced, CancellationToken.None);
        }

        var document = recorded.Document;
        return TypedResults.Accepted($"/api/knowledge/spaces/{id}/documents/{document.Id}", document);
    }

    /// <summary>The upload's tags (comma-separated) and metadata (a JSON object of strings), null when absent.</summary>
    private static (IReadOnlyList<string?>? Tags, IReadOnlyDictionary<string, string?>? Metadata) UploadLabels(string? tags, string? metadata)
    {
        var tagList = tags?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList<string?>();
        if (string.IsNullOrWhiteSpace(metadata))
        {
            return (tagList, null);
        }

        try
        {
            return (tagList, JsonSerializer.Deserialize<Dictionary<string, string?>>(metadata)
                ?? throw new ValidationException("metadata", "must be a JSON object of strings, such as {\"author\": \"Ada\"}"));
        }
        catch (JsonException)
        {
            throw new ValidationException("metadata", "must be a JSON object of strings, such as {\"author\": \"Ada\"}");
        }
    }

    private static async Task<Results<Ok<DocumentDto>, StatusCodeHttpResult>> GetDocumentAsync(long id, long documentId, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var document = await grains.GetGrain<IKnowledgeSpaceGrain>(id).GetDocumentAsync(caller.CompanyId, documentId);
        return http.OkOrNotModified(document, document.Version);
    }

    private static async Task<Accepted<DocumentDto>> RetryDocumentAsync(long id, long documentId, ICompanyContext caller, IGrainFactory grains)
    {
        var document = await grains.GetGrain<IKnowledgeSpaceGrain>(id).RetryDocumentAsync(caller.CompanyId, documentId);
        return TypedResults.Accepted($"/api/knowledge/spaces/{id}/documents/{documentId}", document);
    }

    private static async Task<NoContent> DeleteDocumentAsync(long id, long documentId, ICompanyContext caller, IGrainFactory grains, IObjectStore store)
    {
        var key = await grains.GetGrain<IKnowledgeSpaceGrain>(id).DeleteDocumentAsync(caller.CompanyId, documentId);
        await store.DeleteAsync(key, CancellationToken.None);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<KnowledgeSearchResponse>, ProblemHttpResult>> SearchAsync(
        KnowledgeSearchRequest request, ICompanyContext caller, KnowledgeRetriever retriever, CancellationToken cancellationToken)
    {
        var agentId = request.AgentId ?? throw new ValidationException("agentId", "is required: the agent the search is made as");
        var result = await retriever.SearchAsync(
            new RetrievalRequest(caller.CompanyId, agentId, request.Query ?? "", request.TaskId, request.SpaceId, request.Space, request.Limit, caller.Actor),
            cancellationToken);
        if (!result.Allowed)
        {
            return Denied("The agent may not read this knowledge.", result.Reason!, "knowledge.denied", KnowledgeRetriever.Rule, ("retrievalId", result.RetrievalId));
        }

        return TypedResults.Ok(new KnowledgeSearchResponse(result.RetrievalId, result.Spaces, result.Citations, result.DurationMs));
    }

    private static async Task<Ok<IReadOnlyList<RetrievalRecord>>> ListRetrievalsAsync(
        ICompanyContext caller, KnowledgeRetriever retriever, CancellationToken cancellationToken, long? agentId = null, long? taskId = null, bool? allowed = null, long? before = null, int? limit = null) =>
        TypedResults.Ok(await retriever.ListAsync(caller.CompanyId, agentId, taskId, allowed, before, limit ?? 100, cancellationToken));

    private static async Task<Ok<IReadOnlyList<SqlSourceDto>>> ListSqlSourcesAsync(SqlSources sources, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sources.ListAsync(cancellationToken));

    private static async Task<Ok<AgentSqlGrantsDto>> GetSqlGrantsAsync(long agentId, ICompanyContext caller, SqlSources sources) =>
        TypedResults.Ok(await sources.GrantsAsync(caller.CompanyId, agentId));

    private static async Task<Ok<AgentSqlGrantsDto>> GrantSqlSourceAsync(long agentId, string source, ICompanyContext caller, SqlSources sources, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sources.GrantAsync(caller.CompanyId, agentId, source, cancellationToken));

    private static async Task<Ok<AgentSqlGrantsDto>> RevokeSqlSourceAsync(long agentId, string source, ICompanyContext caller, SqlSources sources) =>
        TypedResults.Ok(await sources.RevokeAsync(caller.CompanyId, agentId, source));

    private static async Task<Results<Ok<SqlResult>, ProblemHttpResult>> QueryAsAgentAsync(
        SqlQueryRequest request, ICompanyContext caller, SqlToolExecutor executor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.AgentId is null)
        {
            errors.Add("agentId", "is required: the agent the statement runs as");
        }

        if (string.IsNullOrWhiteSpace(request.Sql))
        {
            errors.Add("sql", "is required");
        }

        errors.ThrowIfAny();
        var parameters = (request.Parameters ?? []).Select(p => p.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => p.GetString(),
            _ => p.GetRawText(),
        }).ToList();
        var result = await executor.ExecuteAsync(new SqlRequest(caller.CompanyId, request.AgentId!.Value, request.Sql!, parameters, request.TaskId, caller.Actor), cancellationToken);
        return result.Outcome switch
        {
            SqlOutcome.Ok => TypedResults.Ok(result),
            SqlOutcome.Denied => Denied("The statement was refused.", result.Reason!, "sql.denied", SqlToolExecutor.Rule, ("auditId", result.AuditId)),
            _ => Problem(StatusCodes.Status422UnprocessableEntity, "The statement did not run.", result.Reason!, "sql." + result.Outcome.ToString().ToLowerInvariant(), ("auditId", result.AuditId)),
        };
    }

    private static async Task<Ok<DemoCrmResponse>> SeedDemoCrmAsync(DemoCrmRequest? request, ICompanyContext caller, SqlSources sources, CancellationToken cancellationToken) =>
        TypedResults.Ok(new DemoCrmResponse(await sources.SeedDemoCrmAsync(caller.CompanyId, request?.Customers ?? 200, cancellationToken)));

    private static async Task<Ok<IReadOnlyList<SqlAuditRecord>>> ListSqlAuditAsync(
        ICompanyContext caller, SqlToolExecutor executor, CancellationToken cancellationToken, long? agentId = null, string? outcome = null, long? before = null, int? limit = null)
    {
        var errors = new FieldErrors();
        var wanted = QueryValues.Enum<SqlOutcome>(outcome, "outcome", errors);
        errors.ThrowIfAny();
        return TypedResults.Ok(await executor.ListAuditAsync(caller.CompanyId, agentId, wanted, before, limit ?? 100, cancellationToken));
    }

    private static async Task<Results<Ok<WebFetchResult>, ProblemHttpResult>> FetchAsAgentAsync(
        WebFetchRequest request, ICompanyContext caller, WebFetcher fetcher, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.AgentId is null)
        {
            errors.Add("agentId", "is required: the agent the request is made as");
        }

        if (string.IsNullOrWhiteSpace(request.Url))
        {
            errors.Add("url", "is required");
        }

        errors.ThrowIfAny();
        var result = await fetcher.FetchAsync(caller.CompanyId, request.AgentId!.Value, request.TaskId, request.Url!, cancellationToken);
        return result.Outcome switch
        {
            WebOutcome.Ok => TypedResults.Ok(result),
            WebOutcome.Denied => Denied("The request was refused.", result.Reason!, "web.denied", WebFetcher.Rule, ("logId", result.LogId)),
            _ => Problem(StatusCodes.Status422UnprocessableEntity, "The request failed.", result.Reason!, "web." + result.Outcome.ToString().ToLowerInvariant(), ("logId", result.LogId)),
        };
    }

    private static async Task<Ok<IReadOnlyList<WebLogRecord>>> ListWebLogAsync(
        ICompanyContext caller, WebFetcher fetcher, CancellationToken cancellationToken, long? agentId = null, string? outcome = null, long? before = null, int? limit = null)
    {
        var errors = new FieldErrors();
        var wanted = QueryValues.Enum<WebOutcome>(outcome, "outcome", errors);
        errors.ThrowIfAny();
        return TypedResults.Ok(await fetcher.ListLogAsync(caller.CompanyId, agentId, wanted, before, limit ?? 100, cancellationToken));
    }

    private static ProblemHttpResult Denied(string title, string reason, string code, string rule, (string Name, object Value) audit) =>
        TypedResults.Problem(reason, statusCode: StatusCodes.Status403Forbidden, title: title,
            extensions: new Dictionary<string, object?> { ["code"] = code, ["rule"] = rule, [audit.Name] = audit.Value });

    private static ProblemHttpResult Problem(int status, string title, string reason, string code, (string Name, object Value) audit) =>
        TypedResults.Problem(reason, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code, [audit.Name] = audit.Value });
}
