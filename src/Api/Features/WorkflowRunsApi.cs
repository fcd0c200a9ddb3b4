using System.Text.Json;
using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>The inputs of a new run: an object of input name → value (defaults fill in the rest).</summary>
public sealed record StartWorkflowRunRequest(JsonElement? Inputs);

/// <summary>Why a run is cancelled (optional).</summary>
public sealed record CancelWorkflowRunRequest(string? Reason);

/// <summary>The result a skipped step stands for (optional; checked against the step's output schema).</summary>
public sealed record SkipWorkflowStepRequest(JsonElement? Result);

/// <summary>Workflow runs: each step a task of its agent, run in dependency order, with manual pause, resume, retry, skip and cancel.</summary>
public static class WorkflowRunsApi
{
    public static IEndpointRouteBuilder MapWorkflowRunsApi(this IEndpointRouteBuilder app)
    {
        var workflows = app.MapGroup("/api/workflows/{id:long}/runs").WithTags("Workflow runs");

        workflows.MapPost("/", StartAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("StartWorkflowRun")
            .WithSummary("Starts a run of the template's current version; 400 names each missing or wrong input (inputs.name).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        workflows.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListWorkflowRuns")
            .WithSummary("The template's runs, newest first, with their steps and cost.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var runs = app.MapGroup("/api/workflow-runs/{id:long}").WithTags("Workflow runs");

        runs.MapGet("/", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetWorkflowRun")
            .WithSummary("One run: its status, inputs, cost (the sum of its steps' task costs) and each step's status, task, result and cost.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        runs.MapPost("/pause", PauseAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("PauseWorkflowRun")
            .WithSummary("Starts no new step and pauses the running steps' tasks; 409 unless the run is running.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        runs.MapPost("/resume", ResumeAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ResumeWorkflowRun")
            .WithSummary("Resumes a paused run: its tasks go on and the ready steps start; 409 unless the run is paused.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        runs.MapPost("/cancel", CancelAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CancelWorkflowRun")
            .WithSummary("Cancels the run and its open steps with their tasks; 409 when it is already over.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        runs.MapPost("/steps/{key}/retry", RetryStepAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RetryWorkflowStep")
            .WithSummary("Runs a failed or cancelled step again as a new task; a failed run is reopened. 409 for any other step.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        runs.MapPost("/steps/{key}/skip", SkipStepAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SkipWorkflowStep")
            .WithSummary("Settles a step as skipped with the given result (its running task is cancelled); the steps after it go on.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<Created<WorkflowRunDto>> StartAsync(long id, StartWorkflowRunRequest? request, ICompanyContext caller, IGrainFactory grains)
    {
        var run = await grains.GetGrain<IWorkflowGrain>(id).StartRunAsync(caller.CompanyId, request?.Inputs);
        return TypedResults.Created($"/api/workflow-runs/{run.Id}", run);
    }

    private static async Task<Ok<IReadOnlyList<WorkflowRunDto>>> ListAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowGrain>(id).ListRunsAsync(caller.CompanyId));

    private static async Task<Ok<WorkflowRunDto>> GetAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowRunGrain>(id).GetAsync(caller.CompanyId));

    private static async Task<Ok<WorkflowRunDto>> PauseAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowRunGrain>(id).PauseAsync(caller.CompanyId));

    private static async Task<Ok<WorkflowRunDto>> ResumeAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowRunGrain>(id).ResumeAsync(caller.CompanyId));

    private static async Task<Ok<WorkflowRunDto>> CancelAsync(long id, CancelWorkflowRunRequest? request, ICompanyContext caller, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (request?.Reason is { Length: > 2000 })
        {
            errors.Add("reason", "must be at most 2000 characters");
        }

        errors.ThrowIfAny();
        return TypedResults.Ok(await grains.GetGrain<IWorkflowRunGrain>(id).CancelAsync(caller.CompanyId, request?.Reason));
    }

    private static async Task<Ok<WorkflowRunDto>> RetryStepAsync(long id, string key, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowRunGrain>(id).RetryStepAsync(caller.CompanyId, key));

    private static async Task<Ok<WorkflowRunDto>> SkipStepAsync(long id, string key, SkipWorkflowStepRequest? request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowRunGrain>(id).SkipStepAsync(caller.CompanyId, key, request?.Result));
}
