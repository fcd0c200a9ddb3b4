using FluidManager.Api.Access;
using FluidManager.Api.Hosting;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Storage;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>An agent's profile as sent by clients: every field optional here, checked (and named) by the agent grain.</summary>
public sealed record AgentProfileRequest(
    string? FirstName,
    string? LastName,
    string? Role,
    string? Department,
    AgentSeniority? Seniority,
    string? Bio,
    IReadOnlyList<string>? Affinities,
    string? SystemPrompt,
    string? StyleGuidelines,
    string? Model,
    IReadOnlyList<string>? AllowedTools,
    AgentLimits? Limits)
{
    public AgentProfile ToProfile() => new()
    {
        FirstName = FirstName!,
        LastName = LastName!,
        Role = Role!,
        Department = Department!,
        Seniority = Seniority ?? AgentSeniority.Mid,
        Bio = Bio ?? "",
        Affinities = Affinities ?? [],
        SystemPrompt = SystemPrompt ?? "",
        StyleGuidelines = StyleGuidelines ?? "",
        Model = Model!,
        AllowedTools = AllowedTools ?? [],
        Limits = Limits is null ? new AgentLimits() : Limits with { WebDomains = Limits.WebDomains ?? [], SqlSources = Limits.SqlSources ?? [] },
    };
}

/// <summary>Hires an agent. <c>placeInOrgChart</c> (default true) puts it under <c>managerAgentId</c>, or the CEO seat when that is null.</summary>
public sealed record CreateAgentRequest(AgentProfileRequest? Profile, AgentStatus? Status, long? ManagerAgentId, bool? PlaceInOrgChart);

/// <summary>A note in the agent's own worklog, outside any task.</summary>
public sealed record AddAgentWorklogRequest(string? Body, WorklogVisibility? Visibility);

public sealed record UpdateAgentRequest(AgentProfileRequest? Profile, long? ExpectedVersion);

public sealed record SetAgentStatusRequest(AgentStatus? Status, long? ExpectedVersion);

/// <summary>Work the agent hands to one of its reports (the hierarchy rules apply, as if the agent asked).</summary>
public sealed record DelegateRequest(
    long? ToAgentId,
    string? Title,
    string? Description,
    long? ParentTaskId,
    TaskPriority? Priority,
    DateTimeOffset? DeadlineAt,
    string? Project);

public sealed record EscalateRequest(string? Subject, string? Body, long? TaskId);

/// <summary>
/// The company's agents: hire, edit, pause or archive, delete, avatar; and two commands that act as
/// the agent itself (delegate, escalate), for scripts and the CEO's console: they run under the
/// agent's identity, so the hierarchy rules judge them exactly as they judge the agent's own work.
/// </summary>
public static class AgentsApi
{
    /// <summary>Largest avatar accepted; the agent grain enforces the same limit.</summary>
    private const long MaxAvatarBytes = 5 * 1024 * 1024;

    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/agents").WithTags("Agents");

        group.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListAgents")
            .WithSummary("The company's agents, optionally of one status (active, paused, archived), by id.")
            .ProducesValidationProblem();

        group.MapGet("/{id:long}", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAgent")
            .WithSummary("One agent with its manager; the ETag header is its version (send it back as If-Match).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateAgent")
            .WithSummary("Hires an agent, placed under managerAgentId (or the CEO seat) unless placeInOrgChart is false. The placement obeys the hierarchy rules.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("/{id:long}", UpdateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateAgent")
            .WithSummary("Replaces the agent's profile (If-Match or expectedVersion: 412 when stale). A new role or department must fit the hierarchy rules.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPut("/{id:long}/status", SetStatusAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SetAgentStatus")
            .WithSummary("Pauses, activates or archives the agent.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/{id:long}", DeleteAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteAgent")
            .WithSummary("Deletes the agent; refused (409) while it has open work or direct reports: archive it instead.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPut("/{id:long}/avatar", SetAvatarAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .DisableAntiforgery()
            .WithRequestBodyLimit(MaxAvatarBytes + (64 * 1024))
            .WithName("SetAgentAvatar")
            .WithSummary("Uploads the agent's avatar (multipart/form-data, field \"file\", an image of at most 5 MB), stored as an artifact.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        group.MapGet("/{id:long}/avatar", GetAvatarAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAgentAvatar")
            .WithSummary("The agent's avatar image, in the type it was uploaded as (404 when it has none).")
            .Produces(StatusCodes.Status200OK, responseType: null, contentType: "image/png", additionalContentTypes: ["image/jpeg", "image/gif", "image/webp", "image/svg+xml"])
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/tasks", ListOpenTasksAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListAgentOpenTasks")
            .WithSummary("The agent's open tasks (not done or cancelled).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/worklog", AddWorklogAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("AddAgentWorklog")
            .WithSummary("Adds a note to the agent's own worklog, outside any task (visibility agent, manager or project; default manager). It shows with the agent's worklog on its progress page.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/inbox", ListInboxAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListAgentInbox")
            .WithSummary("Escalations addressed to the agent by its reports.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/artifacts", ListArtifactsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListAgentArtifacts")
            .WithSummary("Artifacts attached to the agent itself (its avatar included).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/delegate", DelegateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DelegateAsAgent")
            .WithSummary("Acts as the agent: hands work to one of its reports as a (sub)task. The hierarchy rules judge it as the agent's own delegation: a refusal is 403 with the rule, and nothing is created.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:long}/escalate", EscalateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("EscalateAsAgent")
            .WithSummary("Acts as the agent: hands a problem up to its nearest active manager, or to the CEO inbox.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>The actor of a turn run on behalf of an agent.</summary>
    public static string ActorOf(long agentId) => "agent:" + agentId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<Ok<IReadOnlyList<AgentDto>>> ListAsync(ICompanyContext caller, IGrainFactory grains, string? status = null)
    {
        var errors = new FieldErrors();
        var wanted = QueryValues.Enum<AgentStatus>(status, "status", errors);
        errors.ThrowIfAny();
        return TypedResults.Ok(await grains.GetGrain<ICompanyGrain>(caller.CompanyId).ListAgentsAsync(new ListAgentsQuery(caller.CompanyId, wanted)));
    }

    private static async Task<Results<Ok<AgentDto>, StatusCodeHttpResult>> GetAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var agent = await grains.GetGrain<IAgentGrain>(id).GetAsync(caller.CompanyId);
        return http.OkOrNotModified(agent, agent.Version);
    }

    private static async Task<Created<AgentDto>> CreateAsync(CreateAgentRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var agent = await grains.GetGrain<ICompanyGrain>(caller.CompanyId).CreateAgentAsync(ToCommand(caller.CompanyId, request));
        return http.WithETag(TypedResults.Created($"/api/agents/{agent.Id}", agent), agent.Version);
    }

    /// <summary>The command behind POST /api/agents (the demo loader hires through it too).</summary>
    public static CreateAgentCommand ToCommand(long companyId, CreateAgentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CreateAgentCommand
        {
            CompanyId = companyId,
            Profile = (request.Profile ?? throw new ValidationException("profile", "is required")).ToProfile(),
            Status = request.Status ?? AgentStatus.Active,
            PlaceInOrgChart = request.PlaceInOrgChart ?? true,
            ManagerAgentId = request.ManagerAgentId,
        };
    }

    private static async Task<Ok<AgentDto>> UpdateAsync(long id, UpdateAgentRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var profile = (request.Profile ?? throw new ValidationException("profile", "is required")).ToProfile();
        var agent = await grains.GetGrain<IAgentGrain>(id).UpdateAsync(new UpdateAgentCommand(caller.CompanyId, profile, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(agent), agent.Version);
    }

    private static async Task<Ok<AgentDto>> SetStatusAsync(long id, SetAgentStatusRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var status = request.Status ?? throw new ValidationException("status", $"is required: one of {string.Join(", ", QueryValues.Names<AgentStatus>())}");
        var agent = await grains.GetGrain<IAgentGrain>(id).SetStatusAsync(new SetAgentStatusCommand(caller.CompanyId, status, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(agent), agent.Version);
    }

    private static async Task<NoContent> DeleteAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        await grains.GetGrain<IAgentGrain>(id).DeleteAsync(new DeleteAgentCommand(caller.CompanyId, Versions.Expected(http)));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AgentDto>> SetAvatarAsync(long id, IFormFile? file, ICompanyContext caller, IGrainFactory grains, IObjectStore store, HttpContext http, CancellationToken cancellationToken)
    {
        var image = Uploads.Require(file);
        var expected = Versions.Expected(http);
        var agentGrain = grains.GetGrain<IAgentGrain>(id);
        await agentGrain.GetAsync(caller.CompanyId); // 404 before any byte is stored
        var agent = await Uploads.StoreThenRecordAsync(store, caller.CompanyId, image,
            stored => agentGrain.SetAvatarAsync(new SetAvatarCommand(caller.CompanyId, stored, Uploads.NameOf(image, "avatar"), expected)), cancellationToken);
        return http.WithETag(TypedResults.Ok(agent), agent.Version);
    }

    private static async Task<FileStreamHttpResult> GetAvatarAsync(long id, ICompanyContext caller, IGrainFactory grains, IObjectStore store, HttpContext http, CancellationToken cancellationToken)
    {
        var agent = await grains.GetGrain<IAgentGrain>(id).GetAsync(caller.CompanyId);
        var avatarId = agent.AvatarArtifactId ?? throw new NotFoundException("Avatar of agent", id);
        var avatar = await grains.GetGrain<ICompanyGrain>(caller.CompanyId).GetArtifactAsync(caller.CompanyId, avatarId);
        return await Uploads.DownloadAsync(http, store, avatar, cancellationToken);
    }

    private static async Task<Ok<IReadOnlyList<TaskDto>>> ListOpenTasksAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IAgentGrain>(id).ListOpenTasksAsync(caller.CompanyId));

    private static async Task<Created<WorklogEntryDto>> AddWorklogAsync(long id, AddAgentWorklogRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var entry = await grains.GetGrain<IAgentGrain>(id).AddWorklogAsync(
            new AddAgentWorklogCommand(caller.CompanyId, request.Body!, request.Visibility ?? WorklogVisibility.Manager));
        return TypedResults.Created($"/api/agents/{id}/progress", entry);
    }

    private static async Task<Ok<IReadOnlyList<EscalationDto>>> ListInboxAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IAgentGrain>(id).ListInboxAsync(caller.CompanyId));

    private static async Task<Ok<IReadOnlyList<ArtifactDto>>> ListArtifactsAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IAgentGrain>(id).ListArtifactsAsync(caller.CompanyId));

    private static async Task<Created<TaskDto>> DelegateAsync(long id, DelegateRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var task = await DelegateAsAgentAsync(grains, caller.CompanyId, id, request);
        return http.WithETag(TypedResults.Created($"/api/tasks/{task.Id}", task), task.Version);
    }

    /// <summary>Runs <see cref="IAgentGrain.DelegateAsync"/> as <c>agent:{id}</c> (the demo loader delegates through it too).</summary>
    public static async Task<TaskDto> DelegateAsAgentAsync(IGrainFactory grains, long companyId, long agentId, DelegateRequest request)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(request);
        var command = new DelegateCommand
        {
            CompanyId = companyId,
            ToAgentId = request.ToAgentId ?? throw new ValidationException("toAgentId", "is required"),
            Title = request.Title!,
            Description = request.Description ?? "",
            ParentTaskId = request.ParentTaskId,
            Priority = request.Priority ?? TaskPriority.Normal,
            DeadlineAt = request.DeadlineAt,
            Project = request.Project,
        };
        using (CallerContext.As(ActorOf(agentId)))
        {
            return await grains.GetGrain<IAgentGrain>(agentId).DelegateAsync(command);
        }
    }

    private static async Task<Created<EscalationDto>> EscalateAsync(long id, EscalateRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var escalation = await EscalateAsAgentAsync(grains, caller.CompanyId, id, request);
        return TypedResults.Created((string?)null, escalation);
    }

    /// <summary>Runs <see cref="IAgentGrain.EscalateAsync"/> as <c>agent:{id}</c>.</summary>
    public static async Task<EscalationDto> EscalateAsAgentAsync(IGrainFactory grains, long companyId, long agentId, EscalateRequest request)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(request);
        using (CallerContext.As(ActorOf(agentId)))
        {
            return await grains.GetGrain<IAgentGrain>(agentId).EscalateAsync(new EscalateCommand(companyId, request.Subject!, request.Body ?? "", request.TaskId));
        }
    }
}
