using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>What an agent can take on: for the people and tools that route work to it.</summary>
public static class AgentCapabilitiesApi
{
    public static IEndpointRouteBuilder MapAgentCapabilitiesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/agents/{id:long}/capabilities", GetAsync)
            .WithTags("Agents")
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAgentCapabilities")
            .WithSummary("The agent's role, skills, tools, data sources, limits and current load (its tasks by status and today's spend).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<AgentCapabilitiesDto>> GetAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IAgentGrain>(id).GetCapabilitiesAsync(caller.CompanyId));
}
