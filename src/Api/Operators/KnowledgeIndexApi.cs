using FluidManager.Api.Access;
using FluidManager.Knowledge.Embeddings;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Operators;

/// <summary>
/// The knowledge index's embedding model, and its re-embed, for operators: the index holds the chunks of
/// every company, so these are cluster-level like the silos and dead letters.
/// </summary>
public static class KnowledgeIndexApi
{
    public static IEndpointRouteBuilder MapKnowledgeIndexApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/operators/knowledge").WithTags("Cluster").RequireAuthorization(AccessPolicies.Operator);

        group.MapGet("/index", GetAsync)
            .WithName("GetKnowledgeIndex")
            .WithSummary("The embedding model and dimension of the knowledge index, whether they match the configured model, and the last re-embed with its progress (done/total chunks).");

        group.MapPost("/reembed", StartReembedAsync)
            .WithName("StartReembed")
            .WithSummary("Re-embeds every chunk with the configured embedding model (after a model or dimension change), as background work; returns at once with the re-embed, or the one already running. Follow it with GET /api/operators/knowledge/index.");

        return app;
    }

    private static IKnowledgeIndexGrain Index(IGrainFactory grains) => grains.GetGrain<IKnowledgeIndexGrain>(IKnowledgeIndexGrain.Key);

    private static async Task<Ok<EmbeddingIndexState>> GetAsync(IGrainFactory grains) => TypedResults.Ok(await Index(grains).GetAsync());

    private static async Task<Accepted<EmbeddingIndexState>> StartReembedAsync(IGrainFactory grains) =>
        TypedResults.Accepted("/api/operators/knowledge/index", await Index(grains).StartReembedAsync());
}
