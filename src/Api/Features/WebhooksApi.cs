using FluidManager.Api.Access;
using FluidManager.Knowledge.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>
/// The company's outbound webhooks: where fired alerts are posted, signed with the webhook's secret (which is
/// write-only), and the log of each delivery with its attempts, last response code and duration.
/// </summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/webhooks").WithTags("Webhooks");

        group.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListWebhooks")
            .WithSummary("The company's webhooks, without their secrets.");

        group.MapPost("/", CreateAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("CreateWebhook")
            .WithSummary("Adds a webhook: url (http or https), events (alert kinds such as task_failed, or \"*\"), secret (at least 16 characters, write-only, stored encrypted), description, enabled.")
            .ProducesValidationProblem();

        group.MapGet("/{id:long}", GetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetWebhook")
            .WithSummary("One webhook, without its secret.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{id:long}", ReplaceAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ReplaceWebhook")
            .WithSummary("Replaces a webhook's url, events, description and enabled; secret null keeps the stored one.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id:long}", DeleteAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeleteWebhook")
            .WithSummary("Removes a webhook and its delivery log.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/deliveries", DeliveriesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The webhook's deliveries, newest first: status (pending, retrying, delivered, failed), attempts, last response code, duration and error.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<WebhookDto>>> ListAsync(ICompanyContext caller, Webhooks webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await webhooks.ListAsync(caller.CompanyId, cancellationToken));

    private static async Task<Created<WebhookDto>> CreateAsync(WebhookInput request, ICompanyContext caller, Webhooks webhooks, CancellationToken cancellationToken)
    {
        var created = await webhooks.CreateAsync(caller.CompanyId, request, caller.Actor, cancellationToken);
        return TypedResults.Created($"/api/webhooks/{created.Id}", created);
    }

    private static async Task<Ok<WebhookDto>> GetAsync(long id, ICompanyContext caller, Webhooks webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await webhooks.GetAsync(caller.CompanyId, id, cancellationToken));

    private static async Task<Ok<WebhookDto>> ReplaceAsync(long id, WebhookInput request, ICompanyContext caller, Webhooks webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await webhooks.ReplaceAsync(caller.CompanyId, id, request, cancellationToken));

    private static async Task<NoContent> DeleteAsync(long id, ICompanyContext caller, Webhooks webhooks, CancellationToken cancellationToken)
    {
        await webhooks.DeleteAsync(caller.CompanyId, id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<WebhookDeliveryDto>>> DeliveriesAsync(long id, ICompanyContext caller, Webhooks webhooks, CancellationToken cancellationToken, int limit = 100) =>
        TypedResults.Ok(await webhooks.DeliveriesAsync(caller.CompanyId, id, limit, cancellationToken));
}
