using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Schedules;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>Creates a cyclic task. <c>timing</c> holds exactly one of <c>intervalMinutes</c> or <c>cron</c> (+ <c>timeZone</c>).</summary>
/// <summary>
/// With <c>workflowId</c>, each firing starts a run of that workflow with <c>workflowInputs</c> instead of creating a task
/// (the template may then be omitted; the agent stays the schedule's owner).
/// </summary>
public sealed record CreateScheduleRequest(
    string? Name, long? AgentId, TaskTemplate? Template, ScheduleTiming? Timing, bool? Paused, long? WorkflowId = null, System.Text.Json.JsonElement? WorkflowInputs = null);

public sealed record UpdateScheduleRequest(
    string? Name, long? AgentId, TaskTemplate? Template, ScheduleTiming? Timing, long? ExpectedVersion, long? WorkflowId = null, System.Text.Json.JsonElement? WorkflowInputs = null);

public sealed record ScheduleVersionRequest(long? ExpectedVersion);

/// <summary>Cyclic tasks: a task template fired for one agent at an interval or on a cron expression in a time zone.</summary>
public static class SchedulesApi
{
    public static IEndpointRouteBuilder MapSchedulesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/schedules").WithTags("Schedules");

        group.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListSchedules")
            .WithSummary("The company's schedules with their next and last firing.");

        group.MapGet("/{id:long}", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetSchedule")
            .WithSummary("One schedule; the ETag header is its version.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/runs", ListRunsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListScheduleRuns")
            .WithSummary("The schedule's firings, newest first, each with the task it created and that task's current status, or the workflow run it started (runId).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateSchedule")
            .WithSummary("Creates a schedule that creates a task from the template for the agent at each firing, or, with workflowId, starts a run of that workflow with workflowInputs.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{id:long}", UpdateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateSchedule")
            .WithSummary("Replaces the schedule's name, agent, template and timing (If-Match or expectedVersion: 412 when stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/{id:long}/pause", PauseAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("PauseSchedule")
            .WithSummary("Stops the schedule from firing until it is resumed (409 when already paused).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/{id:long}/resume", ResumeAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ResumeSchedule")
            .WithSummary("Lets a paused schedule fire again from its next occurrence (409 when already active).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/{id:long}", DeleteAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteSchedule")
            .WithSummary("Deletes the schedule and its run history; tasks it created stay.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<ScheduleDto>>> ListAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ISchedulesGrain>(caller.CompanyId).ListAsync(caller.CompanyId));

    private static async Task<Results<Ok<ScheduleDto>, StatusCodeHttpResult>> GetAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var schedule = await grains.GetGrain<IScheduleGrain>(id).GetAsync(caller.CompanyId);
        return http.OkOrNotModified(schedule, schedule.Version);
    }

    private static async Task<Ok<IReadOnlyList<ScheduleRunDto>>> ListRunsAsync(long id, ICompanyContext caller, IGrainFactory grains, int? limit = null) =>
        TypedResults.Ok(await grains.GetGrain<IScheduleGrain>(id).ListRunsAsync(caller.CompanyId, limit ?? 50));

    private static async Task<Created<ScheduleDto>> CreateAsync(CreateScheduleRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var errors = new FieldErrors();
        Require(errors, request.Name, request.AgentId, request.Template ?? WorkflowTemplate(request.Name, request.WorkflowId), request.Timing);
        errors.ThrowIfAny();
        var schedule = await grains.GetGrain<ISchedulesGrain>(caller.CompanyId).CreateAsync(new CreateScheduleCommand
        {
            CompanyId = caller.CompanyId,
            Name = request.Name!,
            AgentId = request.AgentId!.Value,
            Template = (request.Template ?? WorkflowTemplate(request.Name, request.WorkflowId))!,
            Timing = request.Timing!,
            Paused = request.Paused ?? false,
            WorkflowId = request.WorkflowId,
            WorkflowInputs = request.WorkflowInputs,
        });
        return http.WithETag(TypedResults.Created($"/api/schedules/{schedule.Id}", schedule), schedule.Version);
    }

    private static async Task<Ok<ScheduleDto>> UpdateAsync(long id, UpdateScheduleRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var errors = new FieldErrors();
        Require(errors, request.Name, request.AgentId, request.Template ?? WorkflowTemplate(request.Name, request.WorkflowId), request.Timing);
        errors.ThrowIfAny();
        var schedule = await grains.GetGrain<IScheduleGrain>(id).UpdateAsync(new UpdateScheduleCommand
        {
            CompanyId = caller.CompanyId,
            ExpectedVersion = Versions.Expected(http, request.ExpectedVersion),
            Name = request.Name!,
            AgentId = request.AgentId!.Value,
            Template = (request.Template ?? WorkflowTemplate(request.Name, request.WorkflowId))!,
            Timing = request.Timing!,
            WorkflowId = request.WorkflowId,
            WorkflowInputs = request.WorkflowInputs,
        });
        return http.WithETag(TypedResults.Ok(schedule), schedule.Version);
    }

    private static async Task<Ok<ScheduleDto>> PauseAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http, ScheduleVersionRequest? request = null)
    {
        var schedule = await grains.GetGrain<IScheduleGrain>(id).PauseAsync(caller.CompanyId, Versions.Expected(http, request?.ExpectedVersion));
        return http.WithETag(TypedResults.Ok(schedule), schedule.Version);
    }

    private static async Task<Ok<ScheduleDto>> ResumeAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http, ScheduleVersionRequest? request = null)
    {
        var schedule = await grains.GetGrain<IScheduleGrain>(id).ResumeAsync(caller.CompanyId, Versions.Expected(http, request?.ExpectedVersion));
        return http.WithETag(TypedResults.Ok(schedule), schedule.Version);
    }

    private static async Task<NoContent> DeleteAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        await grains.GetGrain<IScheduleGrain>(id).DeleteAsync(caller.CompanyId, Versions.Expected(http));
        return TypedResults.NoContent();
    }

    /// <summary>A workflow schedule needs no task template: its name stands in for one.</summary>
    private static TaskTemplate? WorkflowTemplate(string? name, long? workflowId) =>
        workflowId is null || string.IsNullOrWhiteSpace(name) ? null : new TaskTemplate { Title = name.Trim() };

    private static void Require(FieldErrors errors, string? name, long? agentId, TaskTemplate? template, ScheduleTiming? timing)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("name", "is required");
        }

        if (agentId is null)
        {
            errors.Add("agentId", "is required");
        }

        if (template is null)
        {
            errors.Add("template", "is required");
        }

        if (timing is null)
        {
            errors.Add("timing", "is required");
        }
    }
}
