using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

public sealed record ResolveEscalationRequest(string? Resolution);

/// <summary>The CEO's inbox: escalations that climbed to the CEO seat. (Approvals will join it.)</summary>
public static class InboxApi
{
    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/inbox").WithTags("Inbox");

        group.MapGet("/escalations", ListEscalationsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListCeoEscalations")
            .WithSummary("Open escalations addressed to the CEO seat, oldest first.");

        group.MapPost("/escalations/{id:long}/resolve", ResolveAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ResolveEscalation")
            .WithSummary("Closes an escalation with the CEO's answer (409 when it is already resolved).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<EscalationDto>>> ListEscalationsAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ICompanyGrain>(caller.CompanyId).ListCeoInboxAsync(caller.CompanyId));

    private static async Task<Ok<EscalationDto>> ResolveAsync(long id, ResolveEscalationRequest? request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ICompanyGrain>(caller.CompanyId).ResolveEscalationAsync(new ResolveEscalationCommand(caller.CompanyId, id, request?.Resolution)));
}
