using FluidManager.Api.Access;
using FluidManager.Api.Events;
using FluidManager.Api.Hosting;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Storage;
using FluidManager.Runtime.Events;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Features;

/// <summary>A new task, by the CEO. With <c>assigneeAgentId</c> it is assigned at once; with <c>parentTaskId</c> it is a subtask.</summary>
public sealed record CreateTaskRequest(
    string? Title,
    string? Description,
    string? Project,
    long? ParentTaskId,
    long? AssigneeAgentId,
    TaskPriority? Priority,
    DateTimeOffset? ScheduledAt,
    DateTimeOffset? DeadlineAt,
    int? MaxAttempts,
    SubtaskFailurePolicy? FailurePolicy,
    decimal? CostEstimate)
{
    public CreateTaskCommand ToCommand(long companyId) => new()
    {
        CompanyId = companyId,
        Title = Title!,
        Description = Description ?? "",
        Project = Project,
        ParentTaskId = ParentTaskId,
        AssigneeAgentId = AssigneeAgentId,
        Priority = Priority ?? TaskPriority.Normal,
        ScheduledAt = ScheduledAt,
        DeadlineAt = DeadlineAt,
        MaxAttempts = MaxAttempts ?? 3,
        FailurePolicy = FailurePolicy ?? SubtaskFailurePolicy.Block,
        CostEstimate = CostEstimate ?? 0,
    };
}

public sealed record AssignTaskRequest(long? AgentId, long? ExpectedVersion);

/// <summary>The body of a status command; optional. The version may come as If-Match instead.</summary>
public sealed record TaskTransitionRequest(string? Reason, long? ExpectedVersion);

public sealed record CompleteTaskRequest(string? Result, long? ExpectedVersion);

/// <summary>With <c>cascade</c>, the task's open subtasks (and theirs) are cancelled too, each by a message the cancel commits with (durable, applied right after).</summary>
public sealed record CancelTaskRequest(bool? Cascade, string? Reason, long? ExpectedVersion);

public sealed record ChangePriorityRequest(TaskPriority? Priority, long? ExpectedVersion);

/// <summary>A null <c>deadlineAt</c> clears the deadline.</summary>
public sealed record SetDeadlineRequest(DateTimeOffset? DeadlineAt, long? ExpectedVersion);

public sealed record AddCommentRequest(string? Body);

public sealed record AddWorklogRequest(long? AgentId, string? Body, WorklogVisibility? Visibility, string? StepKey);

/// <summary>A link artifact: a name and an absolute http(s) address.</summary>
public sealed record AddLinkRequest(string? Name, string? Url, long? AgentId);

/// <summary>A page of tasks by id; ask again with <c>after=next</c> while <see cref="Next"/> is not null.</summary>
public sealed record TaskPage(IReadOnlyList<TaskDto> Items, long? Next);

/// <summary>A task with its subtasks, recursively.</summary>
public sealed record TaskNode(TaskDto Task, IReadOnlyList<TaskNode> Subtasks);

/// <summary>
/// Tasks: create, read, list with filters, every status command of the task state machine, priority
/// and deadline, comments, the timeline (the events of stream task:{id}), subtasks, worklog and
/// artifacts. Each task carries <c>allowedActions</c>, computed by the state machine, so a client
/// never offers a command that would be refused with 409.
/// </summary>
public static class TasksApi
{
    public const int DefaultPage = 50;
    public const int MaxPage = 500;
    private const int MaxTreeDepth = 20;

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Tasks");

        group.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListTasks")
            .WithSummary("The company's tasks by id, filtered by status, assignee, parent, project, priority, deadline range (deadlineFrom, deadlineTo) and text (q); page with after and limit.")
            .ProducesValidationProblem();

        group.MapPost("/", CreateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateTask")
            .WithSummary("Creates a task (a mission when it goes to an agent from the CEO), optionally as a subtask and already assigned.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id:long}", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetTask")
            .WithSummary("One task with its subtasks' progress and its allowed actions; the ETag header is its version (send it back as If-Match).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/assign", AssignAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("AssignTask")
            .WithSummary("Assigns or reassigns the task to an agent (a running task goes back to the queue for its new assignee).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        MapTransition(group, "start", "StartTask", "Starts an attempt of a queued, assigned task (queued → running).", (g, c) => g.StartAsync(c));
        MapTransition(group, "pause", "PauseTask", "Pauses a queued or running task.", (g, c) => g.PauseAsync(c));
        MapTransition(group, "resume", "ResumeTask", "Resumes a paused task (back to the queue).", (g, c) => g.ResumeAsync(c));
        MapTransition(group, "block", "BlockTask", "Blocks a queued or running task, with the reason.", (g, c) => g.BlockAsync(c));
        MapTransition(group, "unblock", "UnblockTask", "Unblocks a blocked task (back to the queue).", (g, c) => g.UnblockAsync(c));
        MapTransition(group, "fail", "FailTask", "Fails an open task; the reason is its error.", (g, c) => g.FailAsync(c));
        MapTransition(group, "retry", "RetryTask", "Sends a failed task back to the queue while attempts remain.", (g, c) => g.RetryAsync(c));

        group.MapPost("/{id:long}/complete", CompleteAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CompleteTask")
            .WithSummary("Completes a running task with its result.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/{id:long}/cancel", CancelAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CancelTask")
            .WithSummary("Cancels the task; with cascade, its open subtasks (and theirs) too, each by a durable message committed with the cancel and applied right after it.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPut("/{id:long}/priority", ChangePriorityAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ChangeTaskPriority")
            .WithSummary("Changes the priority (low, normal, high, urgent) of an open or failed task.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPut("/{id:long}/deadline", SetDeadlineAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SetTaskDeadline")
            .WithSummary("Sets the deadline (null clears it) of an open or failed task.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/{id:long}/deadline", ClearDeadlineAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ClearTaskDeadline")
            .WithSummary("Clears the deadline of an open or failed task.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapGet("/{id:long}/comments", ListCommentsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListTaskComments")
            .WithSummary("The task's comments, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/comments", CommentAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CommentTask")
            .WithSummary("Adds a comment (any status, finished tasks included).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/timeline", TimelineAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetTaskTimeline")
            .WithSummary("The task's history: the events of stream task:{id} in order, after a position (continue with after=next).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/subtasks", SubtasksAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetTaskSubtasks")
            .WithSummary("The task's subtasks as a tree, down to depth levels (default and most 20).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/worklog", ListWorklogAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListTaskWorklog")
            .WithSummary("The agents' progress notes on the task; with viewerAgentId, only what that agent may read.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/worklog", AddWorklogAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("AddTaskWorklog")
            .WithSummary("Adds a progress note on behalf of an agent (visibility agent, manager or project); a repeated stepKey returns the first note.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/artifacts", ListArtifactsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListTaskArtifacts")
            .WithSummary("The task's artifacts (files, specs, posts, links), oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var maxUpload = app.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value.MaxUploadBytes;
        group.MapPost("/{id:long}/artifacts", UploadArtifactAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .DisableAntiforgery()
            .WithRequestBodyLimit(maxUpload + (64 * 1024))
            .WithName("UploadTaskArtifact")
            .WithSummary("Uploads a file as an artifact of the task: multipart/form-data with the file in \"file\", and optionally name, kind (file, spec, post), agentId and metadata (a JSON object). A name the task already holds makes the next version; earlier versions stay downloadable. Limit: Fluid:Api:MaxUploadBytes (50 MiB).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        group.MapPost("/{id:long}/links", AddLinkAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("AddTaskLink")
            .WithSummary("Attaches a link (an absolute http(s) address) to the task as an artifact.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/artifacts/{artifactId:long}", DownloadArtifactAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("DownloadTaskArtifact")
            .WithSummary("The bytes of one of the task's artifacts, with its content type and name (the ETag is its SHA-256).")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static void MapTransition(RouteGroupBuilder group, string verb, string name, string summary, Func<ITaskGrain, TaskTransitionCommand, Task<TaskDto>> command) =>
        group.MapPost("/{id:long}/" + verb, async Task<Ok<TaskDto>> (long id, TaskTransitionRequest? request, ICompanyContext caller, IGrainFactory grains, HttpContext http) =>
            {
                var task = await command(grains.GetGrain<ITaskGrain>(id), new TaskTransitionCommand(caller.CompanyId, Versions.Expected(http, request?.ExpectedVersion), request?.Reason));
                return http.WithETag(TypedResults.Ok(task), task.Version);
            })
            .RequireAuthorization(AccessPolicies.Command)
            .WithName(name)
            .WithSummary(summary + " 409 (code task.illegal_transition) when the status does not allow it; 412 on a stale If-Match.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

    private static async Task<Ok<TaskPage>> ListAsync(
        ICompanyContext caller,
        IGrainFactory grains,
        string? status = null,
        long? assignee = null,
        long? parent = null,
        string? project = null,
        string? priority = null,
        DateTimeOffset? deadlineFrom = null,
        DateTimeOffset? deadlineTo = null,
        string? q = null,
        long after = 0,
        int limit = DefaultPage)
    {
        var errors = new FieldErrors();
        var state = QueryValues.Enum<TaskState>(status, "status", errors);
        var rank = QueryValues.Enum<TaskPriority>(priority, "priority", errors);
        if (after < 0)
        {
            errors.Add("after", "A task id of 0 or more.");
        }

        if (limit is < 1 or > MaxPage)
        {
            errors.Add("limit", $"Between 1 and {MaxPage}.");
        }

        errors.ThrowIfAny();
        var tasks = await grains.GetGrain<ICompanyGrain>(caller.CompanyId).ListTasksAsync(new ListTasksQuery
        {
            CompanyId = caller.CompanyId,
            Status = state,
            AssigneeAgentId = assignee,
            ParentTaskId = parent,
            Project = project,
            Priority = rank,
            DeadlineFrom = deadlineFrom,
            DeadlineTo = deadlineTo,
            Text = q,
            AfterId = after,
            Limit = limit,
        });
        return TypedResults.Ok(new TaskPage(tasks, tasks.Count == limit ? tasks[^1].Id : null));
    }

    private static async Task<Created<TaskDto>> CreateAsync(CreateTaskRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var task = await grains.GetGrain<ICompanyGrain>(caller.CompanyId).CreateTaskAsync(request.ToCommand(caller.CompanyId));
        return http.WithETag(TypedResults.Created($"/api/tasks/{task.Id}", task), task.Version);
    }

    private static async Task<Results<Ok<TaskDto>, StatusCodeHttpResult>> GetAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var task = await grains.GetGrain<ITaskGrain>(id).GetAsync(caller.CompanyId);
        return http.OkOrNotModified(task, task.Version);
    }

    private static async Task<Ok<TaskDto>> AssignAsync(long id, AssignTaskRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var agent = request.AgentId ?? throw new ValidationException("agentId", "is required");
        var task = await grains.GetGrain<ITaskGrain>(id).AssignAsync(new AssignTaskCommand(caller.CompanyId, agent, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(task), task.Version);
    }

    private static async Task<Ok<TaskDto>> CompleteAsync(long id, CompleteTaskRequest? request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var task = await grains.GetGrain<ITaskGrain>(id).CompleteAsync(new CompleteTaskCommand(caller.CompanyId, request?.Result, Versions.Expected(http, request?.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(task), task.Version);
    }

    private static async Task<Ok<TaskDto>> CancelAsync(long id, CancelTaskRequest? request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var task = await grains.GetGrain<ITaskGrain>(id).CancelAsync(
            new CancelTaskCommand(caller.CompanyId, request?.Cascade ?? false, Versions.Expected(http, request?.ExpectedVersion), request?.Reason));
        return http.WithETag(TypedResults.Ok(task), task.Version);
    }

    private static async Task<Ok<TaskDto>> ChangePriorityAsync(long id, ChangePriorityRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var priority = request.Priority ?? throw new ValidationException("priority", $"is required: one of {string.Join(", ", QueryValues.Names<TaskPriority>())}");
        var task = await grains.GetGrain<ITaskGrain>(id).ChangePriorityAsync(new ChangePriorityCommand(caller.CompanyId, priority, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(task), task.Version);
    }

    private static async Task<Ok<TaskDto>> SetDeadlineAsync(long id, SetDeadlineRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var task = await grains.GetGrain<ITaskGrain>(id).SetDeadlineAsync(new SetDeadlineCommand(caller.CompanyId, request.DeadlineAt, Versions.Expected(http, request.ExpectedVersion)));
        return http.WithETag(TypedResults.Ok(task), task.Version);
    }

    private static async Task<Ok<TaskDto>> ClearDeadlineAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var task = await grains.GetGrain<ITaskGrain>(id).SetDeadlineAsync(new SetDeadlineCommand(caller.CompanyId, null, Versions.Expected(http)));
        return http.WithETag(TypedResults.Ok(task), task.Version);
    }

    private static async Task<Ok<IReadOnlyList<CommentDto>>> ListCommentsAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ITaskGrain>(id).ListCommentsAsync(caller.CompanyId));

    private static async Task<Created<CommentDto>> CommentAsync(long id, AddCommentRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var comment = await grains.GetGrain<ITaskGrain>(id).CommentAsync(new AddCommentCommand(caller.CompanyId, request.Body!));
        return TypedResults.Created($"/api/tasks/{id}/comments", comment);
    }

    private static async Task<Ok<EventPage>> TimelineAsync(long id, ICompanyContext caller, IGrainFactory grains, EventLog log, CancellationToken cancellationToken, long after = 0, int limit = EventsApi.DefaultLimit)
    {
        var errors = new FieldErrors();
        if (after < 0)
        {
            errors.Add("after", "A position of 0 or more.");
        }

        if (limit is < 1 or > EventLog.MaxPage)
        {
            errors.Add("limit", $"Between 1 and {EventLog.MaxPage}.");
        }

        errors.ThrowIfAny();
        await grains.GetGrain<ITaskGrain>(id).GetAsync(caller.CompanyId); // 404 for another company's task
        var events = await log.ReadAsync(after, caller.CompanyId, Streams.Task(id), limit, cancellationToken);
        return TypedResults.Ok(new EventPage(events.Select(EventMessage.From).ToList(), events.Count > 0 ? events[^1].Position : after));
    }

    private static async Task<Ok<IReadOnlyList<TaskNode>>> SubtasksAsync(long id, ICompanyContext caller, IGrainFactory grains, int depth = MaxTreeDepth)
    {
        if (depth is < 1 or > MaxTreeDepth)
        {
            throw new ValidationException("depth", $"Between 1 and {MaxTreeDepth}.");
        }

        return TypedResults.Ok(await SubtreeAsync(grains, caller.CompanyId, id, depth));
    }

    private static async Task<IReadOnlyList<TaskNode>> SubtreeAsync(IGrainFactory grains, long companyId, long taskId, int depth)
    {
        var subtasks = await grains.GetGrain<ITaskGrain>(taskId).ListSubtasksAsync(companyId);
        var nodes = new List<TaskNode>(subtasks.Count);
        foreach (var subtask in subtasks)
        {
            var below = depth > 1 && subtask.Subtasks.Total > 0 ? await SubtreeAsync(grains, companyId, subtask.Id, depth - 1) : [];
            nodes.Add(new TaskNode(subtask, below));
        }

        return nodes;
    }

    private static async Task<Ok<IReadOnlyList<WorklogEntryDto>>> ListWorklogAsync(long id, ICompanyContext caller, IGrainFactory grains, long? viewerAgentId = null) =>
        TypedResults.Ok(await grains.GetGrain<ITaskGrain>(id).ListWorklogAsync(new ListWorklogQuery(caller.CompanyId, viewerAgentId)));

    private static async Task<Created<WorklogEntryDto>> AddWorklogAsync(long id, AddWorklogRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var entry = await grains.GetGrain<ITaskGrain>(id).AddWorklogAsync(
            new AddWorklogCommand(caller.CompanyId, request.AgentId, request.Body!, request.Visibility ?? WorklogVisibility.Project, request.StepKey));
        return TypedResults.Created($"/api/tasks/{id}/worklog", entry);
    }

    private static async Task<Ok<IReadOnlyList<ArtifactDto>>> ListArtifactsAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ITaskGrain>(id).ListArtifactsAsync(caller.CompanyId));

    private static async Task<Created<ArtifactDto>> UploadArtifactAsync(
        long id,
        IFormFile? file,
        [FromForm] string? name,
        [FromForm] string? kind,
        [FromForm] long? agentId,
        [FromForm] string? metadata,
        ICompanyContext caller,
        IGrainFactory grains,
        IObjectStore store,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var artifactKind = QueryValues.Enum<ArtifactKind>(kind, "kind", errors) ?? ArtifactKind.File;
        if (artifactKind is ArtifactKind.Link or ArtifactKind.Avatar)
        {
            errors.Add("kind", "Upload a file, spec or post here; links go to POST /api/tasks/{id}/links, avatars to PUT /api/agents/{id}/avatar.");
        }

        errors.ThrowIfAny();
        var upload = Uploads.Require(file);
        var task = grains.GetGrain<ITaskGrain>(id);
        await task.GetAsync(caller.CompanyId); // 404 before any byte is stored
        var artifact = await Uploads.StoreThenRecordAsync(store, caller.CompanyId, upload, stored => task.AttachArtifactAsync(new AttachArtifactCommand
        {
            CompanyId = caller.CompanyId,
            Kind = artifactKind,
            Name = string.IsNullOrWhiteSpace(name) ? Uploads.NameOf(upload) : name,
            Object = stored,
            AgentId = agentId,
            Metadata = metadata,
        }), cancellationToken);
        return TypedResults.Created($"/api/tasks/{id}/artifacts/{artifact.Id}", artifact);
    }

    private static async Task<Created<ArtifactDto>> AddLinkAsync(long id, AddLinkRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var artifact = await grains.GetGrain<ITaskGrain>(id).AttachArtifactAsync(new AttachArtifactCommand
        {
            CompanyId = caller.CompanyId,
            Kind = ArtifactKind.Link,
            Name = request.Name!,
            Url = request.Url,
            AgentId = request.AgentId,
        });
        return TypedResults.Created($"/api/tasks/{id}/artifacts/{artifact.Id}", artifact);
    }

    private static async Task<FileStreamHttpResult> DownloadArtifactAsync(long id, long artifactId, ICompanyContext caller, IGrainFactory grains, IObjectStore store, HttpContext http, CancellationToken cancellationToken)
    {
        var artifact = await grains.GetGrain<ICompanyGrain>(caller.CompanyId).GetArtifactAsync(caller.CompanyId, artifactId);
        if (artifact.TaskId != id)
        {
            throw new NotFoundException("Artifact", artifactId);
        }

        return await Uploads.DownloadAsync(http, store, artifact, cancellationToken);
    }
}
