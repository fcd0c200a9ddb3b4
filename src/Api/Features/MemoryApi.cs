using System.Globalization;
using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Models.Embeddings;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;

namespace FluidManager.Api.Features;

/// <summary>
/// A new memory item. <c>asAgentId</c>: written by that agent (the agent itself or its manager) rather than the
/// CEO. <c>supersedes</c>: the older item this one contradicts.
/// </summary>
public sealed record RememberRequest(MemoryKind? Kind, string? Content, long? Supersedes, bool? Pinned, long? AsAgentId);

/// <summary>Changes an item's text or pin. <c>asAgentId</c>: the agent's manager acting; absent: the CEO.</summary>
public sealed record EditMemoryRequest(string? Content, bool? Pinned, long? ExpectedVersion, long? AsAgentId);

public sealed record ForgetMemoryRequest(string? Reason, long? AsAgentId);

public sealed record DecidePlaybookChangeRequest(string? Comment);

/// <summary>
/// An agent's memory: search or list it, add, edit, pin and forget items, and the recalls that cite items in
/// tasks' traces. Members of the company read every agent's memory; <c>asAgentId</c> reads as an agent (itself
/// or a manager above it; anyone else gets 403 and the denial is recorded). Changes are the CEO's, or, with
/// <c>asAgentId</c>, the agent's direct manager's. Another company's agent is 404.
/// </summary>
public static class MemoryApi
{
    public static IEndpointRouteBuilder MapMemoryApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/agents/{id:long}/memory").WithTags("Memory");

        group.MapGet("/", SearchAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("SearchAgentMemory")
            .WithSummary("The agent's memory: with q, ranked by hybrid search (meaning and words, pinned and recent items first); without, newest first. kind (episode, fact, lesson), limit (1-200, default 50), includeInactive (forgotten and superseded items too), asAgentId (read as that agent: 403 unless it is the agent or a manager above it).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{itemId:long}", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAgentMemoryItem")
            .WithSummary("One item with its provenance (source task, meeting or person), validity and supersedes links; the ETag header is its version.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", RememberAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("AddAgentMemoryItem")
            .WithSummary("Adds a fact or lesson (kind, content up to 4000 characters); supersedes ends the validity of the older item it contradicts (409 when that one is no longer valid).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPatch("/{itemId:long}", EditAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("EditAgentMemoryItem")
            .WithSummary("Changes an item's content or pin (If-Match or expectedVersion: 412 when stale; 409 when forgotten).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/{itemId:long}/forget", ForgetAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ForgetAgentMemoryItem")
            .WithSummary("Forgets an item: it stays listed with includeInactive for provenance, but never reaches a search, a recall or a briefing again. A memory.forgotten event records it.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/recalls", ListRecallsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListAgentMemoryRecalls")
            .WithSummary("When memory was brought into the agent's tasks (via briefing or recall), newest first, with the items cited; taskId narrows to one task.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var playbook = app.MapGroup("/api/agents/{id:long}/playbook").WithTags("Memory");
        playbook.MapGet("/changes", ListPlaybookChangesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListPlaybookChanges")
            .WithSummary("The agent's playbook changes (proposed, approved, rejected; status narrows), newest first, each with the playbook before and after and the lessons and tasks it came from.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        playbook.MapPost("/changes/{changeId:long}/approve", (long id, long changeId, DecidePlaybookChangeRequest? request, ICompanyContext caller, IGrainFactory grains) =>
                DecideAsync(id, changeId, approve: true, request, caller, grains))
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ApprovePlaybookChange")
            .WithSummary("Approves a proposed change: its instruction is in the agent's next briefings (409 once decided).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        playbook.MapPost("/changes/{changeId:long}/reject", (long id, long changeId, DecidePlaybookChangeRequest? request, ICompanyContext caller, IGrainFactory grains) =>
                DecideAsync(id, changeId, approve: false, request, caller, grains))
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RejectPlaybookChange")
            .WithSummary("Rejects a proposed change: it is kept as rejected and never reaches a briefing (409 once decided).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/api/agents/{id:long}/progress", GetProgressAsync)
            .WithTags("Memory")
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAgentProgress")
            .WithSummary("The agent's progress over the last days (default 30, up to 366): tasks done, failed and open, success rate, cost per finished task and its trend, tasks and cost by day, its worklog across tasks, its memory by kind and its pending playbook changes.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/inbox/playbook-changes", ListPendingPlaybookChangesAsync)
            .WithTags("Inbox")
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListPendingPlaybookChanges")
            .WithSummary("Proposed playbook changes of every agent waiting for the CEO's decision, oldest first.");
        return app;
    }

    private static async Task<Ok<AgentProgressDto>> GetProgressAsync(long id, ICompanyContext caller, IGrainFactory grains, int? days = null) =>
        TypedResults.Ok(await grains.GetGrain<IAgentMemoryGrain>(id).GetProgressAsync(caller.CompanyId, days ?? 30));

    private static async Task<Ok<IReadOnlyList<PlaybookChangeDto>>> ListPlaybookChangesAsync(long id, ICompanyContext caller, IGrainFactory grains, string? status = null)
    {
        PlaybookChangeStatus? wanted = null;
        if (status is not null)
        {
            wanted = Enum.TryParse<PlaybookChangeStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new ValidationException("status", $"must be proposed, approved or rejected, not '{status}'");
        }

        return TypedResults.Ok(await grains.GetGrain<IAgentMemoryGrain>(id).ListPlaybookChangesAsync(caller.CompanyId, wanted));
    }

    private static async Task<Ok<PlaybookChangeDto>> DecideAsync(long id, long changeId, bool approve, DecidePlaybookChangeRequest? request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IAgentMemoryGrain>(id).DecidePlaybookChangeAsync(new DecidePlaybookChangeCommand(caller.CompanyId, changeId, approve, request?.Comment)));

    private static async Task<Ok<IReadOnlyList<PlaybookChangeDto>>> ListPendingPlaybookChangesAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ICompanyMemoryGrain>(caller.CompanyId).ListPendingPlaybookChangesAsync(caller.CompanyId));

    private static async Task<Ok<IReadOnlyList<MemoryHit>>> SearchAsync(long id, ICompanyContext caller, IGrainFactory grains, IServiceProvider services,
        string? q = null, string? kind = null, int? limit = null, bool? includeInactive = null, long? asAgentId = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<MemoryKind>? kinds = null;
        if (kind is not null)
        {
            kinds = Enum.TryParse<MemoryKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? [parsed]
                : throw new ValidationException("kind", $"must be episode, fact or lesson, not '{kind}'");
        }

        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var query = new MemoryQuery
        {
            CompanyId = caller.CompanyId,
            ReaderAgentId = asAgentId,
            Text = text,
            Embedding = text is null || text.Length > 2000 ? null : await EmbedAsync(services, text, cancellationToken),
            Kinds = kinds,
            Limit = limit ?? 50,
            IncludeInactive = includeInactive ?? false,
        };
        using (As(asAgentId))
        {
            return TypedResults.Ok(await grains.GetGrain<IAgentMemoryGrain>(id).SearchAsync(query));
        }
    }

    private static async Task<Ok<MemoryItemDto>> GetAsync(long id, long itemId, ICompanyContext caller, IGrainFactory grains, HttpContext http, long? asAgentId = null)
    {
        using (As(asAgentId))
        {
            var item = await grains.GetGrain<IAgentMemoryGrain>(id).GetAsync(caller.CompanyId, itemId, asAgentId);
            return http.WithETag(TypedResults.Ok(item), item.Version);
        }
    }

    private static async Task<Created<MemoryItemDto>> RememberAsync(long id, RememberRequest request, ICompanyContext caller, IGrainFactory grains, IServiceProvider services,
        HttpContext http, CancellationToken cancellationToken)
    {
        var content = request.Content ?? throw new ValidationException("content", "is required");
        var kind = request.Kind ?? MemoryKind.Fact;
        if (kind == MemoryKind.Episode)
        {
            throw new ValidationException("kind", "must be fact or lesson: episodes are written when a task ends");
        }

        var embedding = content.Length is > 0 and <= 4000 ? await EmbedAsync(services, content, cancellationToken) : null;
        using (As(request.AsAgentId))
        {
            var item = await grains.GetGrain<IAgentMemoryGrain>(id).RememberAsync(new RememberCommand
            {
                CompanyId = caller.CompanyId,
                Kind = kind,
                Content = content,
                SourceKind = request.AsAgentId is null ? MemorySourceKind.Person : MemorySourceKind.Agent,
                Supersedes = request.Supersedes,
                Pinned = request.Pinned ?? false,
                Embedding = embedding,
                EmbeddingModel = embedding is null ? null : ModelOf(services),
                ActingAgentId = request.AsAgentId,
            });
            return http.WithETag(TypedResults.Created($"/api/agents/{id.ToString(CultureInfo.InvariantCulture)}/memory/{item.Id.ToString(CultureInfo.InvariantCulture)}", item), item.Version);
        }
    }

    private static async Task<Ok<MemoryItemDto>> EditAsync(long id, long itemId, EditMemoryRequest request, ICompanyContext caller, IGrainFactory grains, IServiceProvider services,
        HttpContext http, CancellationToken cancellationToken)
    {
        var embedding = request.Content is { Length: > 0 and <= 4000 } content ? await EmbedAsync(services, content, cancellationToken) : null;
        using (As(request.AsAgentId))
        {
            var item = await grains.GetGrain<IAgentMemoryGrain>(id).EditAsync(new EditMemoryCommand
            {
                CompanyId = caller.CompanyId,
                ItemId = itemId,
                Content = request.Content,
                Pinned = request.Pinned,
                Embedding = embedding,
                EmbeddingModel = embedding is null ? null : ModelOf(services),
                ActingAgentId = request.AsAgentId,
                ExpectedVersion = Versions.Expected(http, request.ExpectedVersion),
            });
            return http.WithETag(TypedResults.Ok(item), item.Version);
        }
    }

    private static async Task<Ok<MemoryItemDto>> ForgetAsync(long id, long itemId, ForgetMemoryRequest? request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        using (As(request?.AsAgentId))
        {
            var item = await grains.GetGrain<IAgentMemoryGrain>(id).ForgetAsync(new ForgetMemoryCommand(caller.CompanyId, itemId, request?.Reason, request?.AsAgentId));
            return http.WithETag(TypedResults.Ok(item), item.Version);
        }
    }

    private static async Task<Ok<IReadOnlyList<MemoryRecallDto>>> ListRecallsAsync(long id, ICompanyContext caller, IGrainFactory grains, long? taskId = null, int? limit = null) =>
        TypedResults.Ok(await grains.GetGrain<IAgentMemoryGrain>(id).ListRecallsAsync(caller.CompanyId, taskId, limit ?? 50));

    /// <summary>Runs the grain call as the agent when one is named: the grain then judges the agent's rights.</summary>
    private static IDisposable? As(long? agentId) => agentId is { } agent ? CallerContext.As("agent:" + agent.ToString(CultureInfo.InvariantCulture)) : null;

    private static async Task<float[]?> EmbedAsync(IServiceProvider services, string text, CancellationToken cancellationToken) =>
        services.GetService<IEmbeddingGenerator<string, Embedding<float>>>() is { } generator ? await generator.EmbedAsync(text, cancellationToken) : null;

    private static string? ModelOf(IServiceProvider services) => services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()?.ModelId();
}
