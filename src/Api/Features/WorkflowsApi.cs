using System.Text.Json;
using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>Creates a workflow template, or saves a new version of one. <c>definition</c> follows the format in the README.</summary>
public sealed record SaveWorkflowRequest(string? Name, JsonElement? Definition, long? ExpectedVersion);

/// <summary>A definition to check without saving it.</summary>
public sealed record CheckWorkflowRequest(JsonElement? Definition);

/// <summary>The inputs to preview a template with: an object of input name → value.</summary>
public sealed record PreviewWorkflowRequest(JsonElement? Inputs);

/// <summary>Workflow templates: steps with agents, dependencies, conditions, retries and failure policies, saved as versions.</summary>
public static class WorkflowsApi
{
    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workflows").WithTags("Workflows");

        group.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListWorkflows")
            .WithSummary("The company's workflow templates at their current version.");

        group.MapPost("/check", CheckAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CheckWorkflow")
            .WithSummary("Checks a definition without saving it: 400 names each wrong field; 200 gives the steps in layers and the arrows between them.")
            .ProducesValidationProblem();

        group.MapGet("/{id:long}", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetWorkflow")
            .WithSummary("One workflow template at its current version; the ETag header is its version.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/versions", ListVersionsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListWorkflowVersions")
            .WithSummary("Every saved version of the template, newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/versions/{version:long}", GetVersionAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetWorkflowVersion")
            .WithSummary("One saved version of the template.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/preview", PreviewAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("PreviewWorkflow")
            .WithSummary("Binds the inputs (defaults filled in; 400 names each missing or wrong one) and shows each step's title and brief as a run would write them.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateWorkflow")
            .WithSummary("Creates a workflow template (version 1); 400 names each wrong field of the definition.")
            .ProducesValidationProblem();

        group.MapPut("/{id:long}", UpdateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateWorkflow")
            .WithSummary("Saves a new version of the template (If-Match or expectedVersion: 412 when stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/{id:long}", DeleteAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteWorkflow")
            .WithSummary("Deletes the template and its versions.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<WorkflowDto>>> ListAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowsGrain>(caller.CompanyId).ListAsync(caller.CompanyId));

    private static async Task<Ok<WorkflowCheckDto>> CheckAsync(CheckWorkflowRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (request.Definition is null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined })
        {
            errors.Add("definition", "is required");
        }

        errors.ThrowIfAny();
        return TypedResults.Ok(await grains.GetGrain<IWorkflowsGrain>(caller.CompanyId).CheckAsync(caller.CompanyId, request.Definition!.Value));
    }

    private static async Task<Results<Ok<WorkflowDto>, StatusCodeHttpResult>> GetAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var workflow = await grains.GetGrain<IWorkflowGrain>(id).GetAsync(caller.CompanyId);
        return http.OkOrNotModified(workflow, workflow.Version);
    }

    private static async Task<Ok<IReadOnlyList<WorkflowVersionDto>>> ListVersionsAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowGrain>(id).ListVersionsAsync(caller.CompanyId));

    private static async Task<Ok<WorkflowVersionDto>> GetVersionAsync(long id, long version, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowGrain>(id).GetVersionAsync(caller.CompanyId, version));

    private static async Task<Ok<WorkflowPreviewDto>> PreviewAsync(long id, PreviewWorkflowRequest request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IWorkflowGrain>(id).PreviewAsync(caller.CompanyId, request.Inputs));

    private static async Task<Created<WorkflowDto>> CreateAsync(SaveWorkflowRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        Require(request);
        var workflow = await grains.GetGrain<IWorkflowsGrain>(caller.CompanyId).CreateAsync(new SaveWorkflowCommand
        {
            CompanyId = caller.CompanyId,
            Name = request.Name!,
            Definition = request.Definition!.Value,
        });
        return http.WithETag(TypedResults.Created($"/api/workflows/{workflow.Id}", workflow), workflow.Version);
    }

    private static async Task<Ok<WorkflowDto>> UpdateAsync(long id, SaveWorkflowRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        Require(request);
        var workflow = await grains.GetGrain<IWorkflowGrain>(id).UpdateAsync(new SaveWorkflowCommand
        {
            CompanyId = caller.CompanyId,
            Name = request.Name!,
            Definition = request.Definition!.Value,
            ExpectedVersion = Versions.Expected(http, request.ExpectedVersion),
        });
        return http.WithETag(TypedResults.Ok(workflow), workflow.Version);
    }

    private static async Task<NoContent> DeleteAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        await grains.GetGrain<IWorkflowGrain>(id).DeleteAsync(caller.CompanyId, Versions.Expected(http));
        return TypedResults.NoContent();
    }

    private static void Require(SaveWorkflowRequest request)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors.Add("name", "is required");
        }

        if (request.Definition is null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined })
        {
            errors.Add("definition", "is required");
        }

        errors.ThrowIfAny();
    }
}
