using System.Text.Json;
using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Knowledge.Triggers;
using FluidManager.Knowledge.Webhooks;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>What a delivery came to: the run it started, and whether the delivery had started it before.</summary>
public sealed record HookDeliveryResult(long RunId, bool Duplicate);

/// <summary>
/// Workflow triggers: webhooks whose signed deliveries start runs of their workflow (the JSON body is the run's inputs),
/// event triggers that start a run or create a task when a committed event of their type meets their condition, and
/// each trigger's firing history. Only the CEO changes triggers; every member reads them; secrets are shown once.
/// </summary>
public static class WorkflowTriggersApi
{
    private const string Tag = "Workflow triggers";

    public static IEndpointRouteBuilder MapWorkflowTriggersApi(this IEndpointRouteBuilder app)
    {
        var workflows = app.MapGroup("/api/workflows/{id:long}/triggers").WithTags(Tag);

        workflows.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListWorkflowTriggers")
            .WithSummary("The workflow's triggers, without their secrets.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        workflows.MapPost("/", CreateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateWorkflowTrigger")
            .WithSummary("Adds a trigger to the workflow. A webhook (kind omitted or webhook): name, secret (at least 16 characters; generated when omitted), enabled, replayWindowSeconds (default 300); the answer holds the secret, shown this once. An event trigger (kind event): name, eventType (task.completed, meeting.minutes, approval.approved, custom.<name>…), condition (NCalc over ${payload.…}, optional), target workflow (inputs: the run's inputs, strings may hold ${payload.…}) or task (task: title, description, agentId, priority, project), enabled.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var company = app.MapGroup("/api/triggers").WithTags(Tag);

        company.MapGet("/", ListAllAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListTriggers")
            .WithSummary("Every trigger of the company, webhook and event, without secrets.");

        company.MapPost("/", CreateForCompanyAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateTrigger")
            .WithSummary("Adds a trigger as POST /api/workflows/{id}/triggers does, with the workflow in workflowId; an event trigger whose target is task needs no workflow.")
            .ProducesValidationProblem();

        var triggers = app.MapGroup("/api/triggers/{id:long}").WithTags(Tag);

        triggers.MapGet("/", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetWorkflowTrigger")
            .WithSummary("One trigger, without its secret; path is where its deliveries are posted.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        triggers.MapPut("/", UpdateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdateWorkflowTrigger")
            .WithSummary("Changes a webhook trigger's name, enabled and replayWindowSeconds (the secret cannot change: create a new trigger), or an event trigger's name, enabled, eventType, condition, target, inputs and task (kind cannot change).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        triggers.MapDelete("/", DeleteAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteWorkflowTrigger")
            .WithSummary("Removes a trigger and its firing history; the runs it started stay.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        triggers.MapPost("/secret", RotateSecretAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("RotateWorkflowTriggerSecret")
            .WithSummary("Replaces the trigger's secret with a generated one, shown this once; deliveries signed with the old one are refused from now on (400 for an event trigger, which has none).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        triggers.MapGet("/firings", FiringsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListWorkflowTriggerFirings")
            .WithSummary("The trigger's firings, newest first: when, the delivery id (event:<position> for an event trigger), the outcome (started, rejected, skipped: condition false, limited: depth or rate, failed: after its attempts), the run or task started or the error; for events also eventPosition, eventType, depth and attempts.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("/api/hooks/{id:long}", DeliverAsync)
            .WithTags(Tag)
            .AllowAnonymous()
            .WithName("DeliverWorkflowTrigger")
            .WithSummary("A signed delivery to a webhook trigger (no session): X-Fluid-Timestamp (Unix seconds, within the replay window), X-Fluid-Delivery (an id; a delivery starts at most one run) and X-Fluid-Signature (sha256= and the hex HMAC-SHA256 of \"{timestamp}.{body}\" keyed with the trigger's secret). The JSON body is the run's inputs. 202 with the run started, 200 when the delivery had already started it, 401 when the signature, timestamp or delivery id is wrong, 400 naming each wrong input.")
            .Produces<HookDeliveryResult>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<WorkflowTriggerDto>>> ListAsync(long id, ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await triggers.ListAsync(caller.CompanyId, id, cancellationToken));

    private static async Task<Ok<IReadOnlyList<WorkflowTriggerDto>>> ListAllAsync(ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await triggers.ListAllAsync(caller.CompanyId, cancellationToken));

    private static async Task<Created<CreatedWorkflowTriggerDto>> CreateForCompanyAsync(WorkflowTriggerInput request, ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken)
    {
        var created = await triggers.CreateAsync(caller.CompanyId, workflowId: null, request, caller.Actor, cancellationToken);
        return TypedResults.Created($"/api/triggers/{created.Trigger.Id}", created);
    }

    private static async Task<Created<CreatedWorkflowTriggerDto>> CreateAsync(long id, WorkflowTriggerInput request, ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken)
    {
        var created = await triggers.CreateAsync(caller.CompanyId, id, request, caller.Actor, cancellationToken);
        return TypedResults.Created($"/api/triggers/{created.Trigger.Id}", created);
    }

    private static async Task<Ok<WorkflowTriggerDto>> GetAsync(long id, ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await triggers.GetAsync(caller.CompanyId, id, cancellationToken));

    private static async Task<Ok<WorkflowTriggerDto>> UpdateAsync(long id, WorkflowTriggerInput request, ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await triggers.UpdateAsync(caller.CompanyId, id, request, cancellationToken));

    private static async Task<Ok<CreatedWorkflowTriggerDto>> RotateSecretAsync(long id, ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await triggers.RotateSecretAsync(caller.CompanyId, id, cancellationToken));

    private static async Task<NoContent> DeleteAsync(long id, ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken)
    {
        await triggers.DeleteAsync(caller.CompanyId, id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<WorkflowTriggerFiringDto>>> FiringsAsync(long id, ICompanyContext caller, WorkflowTriggers triggers, CancellationToken cancellationToken, int limit = 100) =>
        TypedResults.Ok(await triggers.FiringsAsync(caller.CompanyId, id, limit, cancellationToken));

    private static async Task<Results<Accepted<HookDeliveryResult>, Ok<HookDeliveryResult>, ProblemHttpResult>> DeliverAsync(
        long id, HttpContext http, WorkflowTriggers triggers, IGrainFactory grains, CancellationToken cancellationToken)
    {
        string body;
        using (var reader = new StreamReader(http.Request.Body))
        {
            body = await reader.ReadToEndAsync(cancellationToken);
        }

        var headers = http.Request.Headers;
        var deliveryId = headers[WebhookSignature.DeliveryHeader].ToString();
        HookTarget target;
        try
        {
            target = await triggers.AuthenticateAsync(id, headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], deliveryId, body, cancellationToken);
        }
        catch (HookRefusedException refused)
        {
            return TypedResults.Problem(refused.Message, statusCode: StatusCodes.Status401Unauthorized, title: "The delivery is not signed for this trigger");
        }

        try
        {
            JsonElement? inputs = string.IsNullOrWhiteSpace(body) ? null : ParseBody(body);
            TriggeredRunDto run;
            using (CallerContext.As($"trigger:{id}"))
            {
                run = await grains.GetGrain<IWorkflowGrain>(target.WorkflowId).StartTriggeredRunAsync(new TriggeredRunCommand
                {
                    CompanyId = target.CompanyId,
                    TriggerId = id,
                    DeliveryId = deliveryId,
                    Inputs = inputs,
                });
            }

            var result = new HookDeliveryResult(run.RunId, run.Duplicate);
            return run.Duplicate ? TypedResults.Ok(result) : TypedResults.Accepted($"/api/workflow-runs/{run.RunId}", result);
        }
        catch (ValidationException invalid)
        {
            var error = string.Join("; ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
            await triggers.RecordRejectedAsync(target.CompanyId, id, deliveryId, error, cancellationToken);
            throw;
        }
    }

    private static JsonElement ParseBody(string body)
    {
        try
        {
            return JsonElement.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new ValidationException("body", $"is not JSON: {ex.Message}");
        }
    }
}
