using FluidManager.Grains.Data;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Logging;

namespace FluidManager.Knowledge.Embeddings;

/// <summary>
/// The knowledge index (key <see cref="IKnowledgeIndexGrain.Key"/>): schedules the <c>knowledge.reembed</c>
/// activity, records it on the index row in the same turn, and records how it ended when its outcome arrives.
/// </summary>
[GrainType("knowledge-index")]
public sealed class KnowledgeIndexGrain(ITurnContext context, EmbeddingIndex index, ILogger<KnowledgeIndexGrain> logger)
    : DurableGrain, IKnowledgeIndexGrain, IActivityOwner
{
    protected override ITurnContext Turn => context;

    public async Task<EmbeddingIndexState> StartReembedAsync()
    {
        var state = await index.ReadAsync(context.Connection, context.Transaction, CancellationToken.None);
        if (state.Reembed is { Status: "running" })
        {
            return state;
        }

        var activity = await context.ScheduleActivityAsync(
            ReembedActivity.ActivityKind,
            new ReembedInput(index.Model, index.Dimensions),
            new ActivityOptions { MaxAttempts = 5, Timeout = TimeSpan.FromHours(12), Backoff = TimeSpan.FromSeconds(5) });
        await context.Sql(EmbeddingIndexSql.StartReembed)
            .With("activity_id", activity).With("model", index.Model).With("dimensions", index.Dimensions).With("now", context.Now)
            .ExecuteAsync();
        Log.ReembedStarted(logger, activity, index.Model, index.Dimensions, context.Actor);
        return await index.ReadAsync(context.Connection, context.Transaction, CancellationToken.None);
    }

    public async Task<EmbeddingIndexState> GetAsync() => await index.ReadAsync(context.Connection, context.Transaction, CancellationToken.None);

    public async Task OnActivityCompletedAsync(ActivityOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Kind != ReembedActivity.ActivityKind)
        {
            return;
        }

        var result = outcome.Succeeded ? outcome.ResultAs<ReembedResult>() : null;
        var error = result is { Error: null } ? null : result?.Error ?? outcome.Error ?? "the re-embed failed";
        await context.Sql(EmbeddingIndexSql.FinishReembed)
            .With("activity_id", outcome.Id).With("status", error is null ? "completed" : "failed").With("error", error).With("now", context.Now)
            .ExecuteAsync();
        if (error is not null)
        {
            Log.ReembedFailed(logger, outcome.Id, error);
        }
    }
}
