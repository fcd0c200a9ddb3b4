using FluidManager.Api.Access;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Runtime.Hosting;
using FluidManager.Runtime.Silos;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Dashboard;

namespace FluidManager.Api.Operators;

/// <summary>
/// What operators see and do. These are cluster-level: silos, dead letters and the Orleans Dashboard
/// belong to the whole deployment (dead letters hold messages of every company), so they are open
/// only to the ceos and admins of the operator company (Fluid:Auth:OperatorCompanyId, default the
/// first company).
/// </summary>
public static class ClusterApi
{
    /// <summary>Where the Orleans Dashboard is mounted.</summary>
    public const string OrleansDashboardPath = "/orleans";

    /// <summary>The operators' services: the reader of the Orleans membership.</summary>
    public static IHostApplicationBuilder AddOperators(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClusterMembership>();
        return builder;
    }

    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cluster").WithTags("Cluster").RequireAuthorization(AccessPolicies.Operator);

        group.MapGet("/silos", ListSilosAsync)
            .WithName("ListSilos")
            .WithSummary("The Orleans membership: every silo with its status, address, start and last alive times, activation count and in-flight work (cluster-level).");

        group.MapGet("/dead-letters", ListDeadLettersAsync)
            .WithName("ListDeadLetters")
            .WithSummary("Messages that kept failing, newest first, with their last error (cluster-level).")
            .ProducesValidationProblem();

        group.MapPost("/dead-letters/{id:long}/replay", ReplayAsync)
            .WithName("ReplayDeadLetter")
            .WithSummary("Queues a dead letter again for its grain (404 when unknown or already replayed).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapKnowledgeIndexApi();
        return app;
    }

    /// <summary>
    /// The Orleans Dashboard at <c>/orleans/</c> (its page, assets and JSON endpoints), for operators
    /// only and left out of the OpenAPI document. Nothing is mapped when the silo collects no
    /// dashboard statistics (Fluid:Cluster:Dashboard false).
    /// </summary>
    public static IEndpointRouteBuilder MapOrleansDashboardForOperators(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<FluidClusterOptions>().Dashboard)
        {
            app.MapOrleansDashboard(OrleansDashboardPath)
                .RequireAuthorization(AccessPolicies.Operator)
                .ExcludeFromDescription();
        }

        return app;
    }

    private static async Task<Ok<IReadOnlyList<ClusterSilo>>> ListSilosAsync(ClusterMembership membership, CancellationToken cancellationToken) =>
        TypedResults.Ok(await membership.ListAsync(cancellationToken));

    private static async Task<Ok<IReadOnlyList<DeadLetter>>> ListDeadLettersAsync(ClusterAdmin cluster, CancellationToken cancellationToken, int limit = 100)
    {
        if (limit is < 1 or > 1000)
        {
            throw new ValidationException("limit", "Between 1 and 1000.");
        }

        return TypedResults.Ok(await cluster.ListDeadLettersAsync(limit, cancellationToken));
    }

    private static async Task<NoContent> ReplayAsync(long id, ClusterAdmin cluster, CancellationToken cancellationToken) =>
        await cluster.ReplayAsync(id, cancellationToken) ? TypedResults.NoContent() : throw new NotFoundException("Dead letter", id);
}
