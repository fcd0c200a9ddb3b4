using FluidManager.Grains.Data;
using FluidManager.Knowledge.Ingestion;
using FluidManager.Models.Embeddings;
using FluidManager.Runtime.Activities;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pgvector;

namespace FluidManager.Knowledge.Embeddings;

/// <summary>What to re-embed with: the model (and its dimension) configured where the re-embed was asked for.</summary>
internal sealed record ReembedInput(string Model, int Dimensions);

/// <summary>How a re-embed ended; <see cref="Error"/> when it could not run at all.</summary>
internal sealed record ReembedResult(int Chunks, string Model, int Dimensions, string? Error = null);

/// <summary>The progress reported on the activity row: chunks done of the total.</summary>
internal sealed record ReembedProgress(string Stage, int Done, int Total);

/// <summary>
/// The <c>knowledge.reembed</c> activity: embeds every chunk of every company again with the configured model,
/// batch by batch into a staging column (each batch its own transaction, so a retry resumes where the last
/// attempt stopped), reporting done/total, then in one transaction swaps the staging column in as
/// <c>embedding</c> typed to the model's dimension, rebuilds the HNSW index and records the model. Search
/// and ingestion are refused meanwhile (the index does not match the model until the swap commits).
/// </summary>
internal sealed class ReembedActivity(
    IEmbeddingGenerator<string, Embedding<float>> generator,
    NpgsqlDataSource dataSource,
    ILogger<ReembedActivity> logger) : ActivityHandler<ReembedInput, ReembedResult>
{
    public const string ActivityKind = "knowledge.reembed";

    /// <summary>Chunks embedded and written per transaction.</summary>
    public const int Batch = 64;

    public override string Kind => ActivityKind;

    protected override async Task<ReembedResult> ExecuteAsync(ReembedInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(execution);
        var model = generator.ModelId();
        var dimensions = generator.Dimensions();
        if (model != input.Model || dimensions != input.Dimensions)
        {
            return new ReembedResult(0, input.Model, input.Dimensions,
                $"the re-embed asks for '{input.Model}' ({input.Dimensions} dimensions) but this silo is configured with '{model}' ({dimensions}): give every process the same Fluid:Models:Embeddings settings");
        }

        var (total, done, after) = await CountAsync(cancellationToken);
        while (true)
        {
            await execution.ReportProgressAsync(new ReembedProgress("embedding", done, total));
            var chunks = await NextAsync(after, cancellationToken);
            if (chunks.Count == 0)
            {
                if (await SwapAsync(dimensions, model, cancellationToken))
                {
                    break;
                }

                // Chunks written after the scan started: embed them too.
                (total, done, after) = await CountAsync(cancellationToken);
                continue;
            }

            var vectors = await generator.EmbedAsync(chunks.Select(c => c.Text).ToList(), cancellationToken);
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                await new NpgsqlCommand(EmbeddingIndexSql.WriteNext, connection)
                    .With("ids", chunks.Select(c => c.Id).ToArray())
                    .With("embeddings", vectors.Select(v => new Vector(v)).ToArray())
                    .ExecuteAsync(cancellationToken);
            }

            done += chunks.Count;
            after = chunks[^1].Id;
        }

        await execution.ReportProgressAsync(new ReembedProgress("done", total, total));
        Log.Reembedded(logger, total, model, dimensions);
        return new ReembedResult(total, model, dimensions);
    }

    private async Task<(int Total, int Done, long After)> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var counts = await new NpgsqlCommand(EmbeddingIndexSql.CountChunks, connection).ListAsync(r => (r.GetInt32(0), r.GetInt32(1), r.GetInt64(2)), cancellationToken);
        return counts[0];
    }

    private async Task<List<(long Id, string Text)>> NextAsync(long after, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(EmbeddingIndexSql.NextChunks, connection).With("after", after).With("limit", Batch)
            .ListAsync(r => (r.GetInt64(0), IngestActivity.EmbeddingText(r.GetString(1), r.GetString(2))), cancellationToken);
    }

    /// <summary>Swaps the new vectors in when every chunk has one; false when some chunk still lacks it.</summary>
    private async Task<bool> SwapAsync(int dimensions, string model, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await new NpgsqlCommand(EmbeddingIndexSql.Lock, connection, transaction).ExecuteAsync(cancellationToken);
        await new NpgsqlCommand(EmbeddingIndexSql.LockChunks, connection, transaction).ExecuteAsync(cancellationToken);
        if (await new NpgsqlCommand(EmbeddingIndexSql.AnyLeft, connection, transaction).ScalarAsync<bool>(cancellationToken))
        {
            return false;
        }

        await EmbeddingIndex.ResizeAsync(connection, transaction, dimensions, cancellationToken, EmbeddingIndexSql.Swap(dimensions));
        await new NpgsqlCommand(EmbeddingIndexSql.Adopt, connection, transaction).With("model", model).With("dimensions", dimensions).ExecuteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
