using System.Globalization;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Models.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pgvector;

namespace FluidManager.Knowledge.Embeddings;

/// <summary>
/// Keeps <c>knowledge_chunks.embedding</c> in step with the configured embedding model. At start-up (and on
/// use, until it matches) it compares the column's dimension and the model recorded with the vectors to the
/// configured model: an empty index is resized and adopted; a filled one made by another model (or by an
/// unrecorded one) is refused for search and ingestion with an error naming the re-embed to run.
/// </summary>
public sealed class EmbeddingIndex(NpgsqlDataSource dataSource, IEmbeddingGenerator<string, Embedding<float>> generator, ILogger<EmbeddingIndex> logger)
{
    /// <summary>The code of the conflict raised while the index needs a re-embed.</summary>
    public const string ReembedRequired = "knowledge.reembed_required";

    /// <summary>How an operator starts a re-embed, for error messages.</summary>
    public const string ReembedHint = "POST /api/operators/knowledge/reembed";

    private volatile bool _ready;

    /// <summary>The configured model's id, as recorded with its vectors.</summary>
    public string Model => generator.ModelId();

    /// <summary>The configured model's vector length.</summary>
    public int Dimensions => generator.Dimensions();

    /// <summary>Compares the index with the configured model; resizes and adopts it when it is empty.</summary>
    public async Task<EmbeddingIndexState> CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await new NpgsqlCommand(EmbeddingIndexSql.Lock, connection, transaction).ExecuteAsync(cancellationToken);
        var state = await ReadAsync(connection, transaction, cancellationToken);
        if (!state.Ready && !state.HasChunks && state.Reembed?.Status != "running")
        {
            if (state.ColumnDimensions != Dimensions)
            {
                await ResizeAsync(connection, transaction, Dimensions, cancellationToken);
            }

            await new NpgsqlCommand(EmbeddingIndexSql.Adopt, connection, transaction).With("model", Model).With("dimensions", Dimensions).ExecuteAsync(cancellationToken);
            Log.EmbeddingIndexAdopted(logger, Model, Dimensions, state.ColumnDimensions);
            state = await ReadAsync(connection, transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        _ready = state.Ready;
        if (!state.Ready)
        {
            Log.EmbeddingIndexMismatch(logger, state.Problem!);
        }

        return state;
    }

    /// <summary>Throws a <see cref="ConflictException"/> (<see cref="ReembedRequired"/>) naming the re-embed to run while the index does not match the model.</summary>
    public async Task RequireReadyAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        var state = await CheckAsync(cancellationToken);
        if (!state.Ready)
        {
            throw new ConflictException(state.Problem!, ReembedRequired);
        }
    }

    /// <summary>The index's state, read inside <paramref name="transaction"/>.</summary>
    internal async Task<EmbeddingIndexState> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var model = Model;
        var dimensions = Dimensions;
        return await new NpgsqlCommand(EmbeddingIndexSql.State, connection, transaction).FirstOrDefaultAsync(r =>
        {
            var recorded = r.GetStringOrNull("model");
            var column = r.Get<int>("column_dimensions");
            var hasChunks = r.Get<bool>("has_chunks");
            var reembed = r.GetOrNull<Guid>("reembed_activity_id") is { } activity ? ReadReembed(r, activity) : null;
            var ready = column == dimensions && recorded == model;
            var problem = ready ? null
                : reembed?.Status == "running" ? $"The knowledge index is being re-embedded with '{reembed.Model}' ({reembed.Done} of {reembed.Total} chunks done); search and ingestion resume when it ends."
                : string.Create(CultureInfo.InvariantCulture, $"The knowledge index holds {column}-dimension vectors made by {(recorded is null ? "an unrecorded model (an earlier version)" : $"'{recorded}'")}, but the configured embedding model '{model}' makes {dimensions}-dimension vectors: search and ingestion are refused until an operator re-embeds the knowledge ({ReembedHint}).");
            return new EmbeddingIndexState(recorded, column, hasChunks, model, dimensions, ready, problem, reembed);
        }, cancellationToken) ?? throw new InvalidOperationException("The knowledge_embedding_index row is missing (migration 0240).");
    }

    /// <summary>Changes the column's dimension (only when it holds no vector, or inside the re-embed's swap) and rebuilds its HNSW index.</summary>
    internal static async Task ResizeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int dimensions, CancellationToken cancellationToken, string? alter = null)
    {
        await new NpgsqlCommand(EmbeddingIndexSql.DropVectorIndex, connection, transaction).ExecuteAsync(cancellationToken);
        await new NpgsqlCommand(alter ?? EmbeddingIndexSql.Resize(dimensions), connection, transaction) { CommandTimeout = 0 }.ExecuteAsync(cancellationToken);
        if (dimensions <= EmbeddingIndexSql.MaxIndexedDimensions)
        {
            await new NpgsqlCommand(EmbeddingIndexSql.CreateVectorIndex, connection, transaction) { CommandTimeout = 0 }.ExecuteAsync(cancellationToken);
        }
    }

    private static ReembedState ReadReembed(NpgsqlDataReader r, Guid activity)
    {
        string? stage = null;
        int done = 0, total = 0;
        if (r.GetStringOrNull("progress") is { } json)
        {
            using var progress = JsonDocument.Parse(json);
            var root = progress.RootElement;
            stage = root.TryGetProperty("stage", out var s) ? s.GetString() : null;
            done = root.TryGetProperty("done", out var d) ? d.GetInt32() : 0;
            total = root.TryGetProperty("total", out var t) ? t.GetInt32() : 0;
        }

        return new ReembedState(
            activity, r.Get<string>("reembed_model"), r.Get<int>("reembed_dimensions"), r.Get<string>("reembed_status"), r.GetStringOrNull("reembed_error"),
            r.Get<DateTimeOffset>("reembed_started_at"), r.GetOrNull<DateTimeOffset>("reembed_finished_at"), stage, done, total);
    }
}

/// <summary>pgvector parameters (typed <see cref="Vector"/> values, written in binary by Pgvector's Npgsql plugin).</summary>
internal static class VectorParameters
{
    public static NpgsqlCommand With(this NpgsqlCommand command, string name, Vector value)
    {
        command.Parameters.Add(new NpgsqlParameter<Vector>(name, value));
        return command;
    }

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, Vector[] value)
    {
        command.Parameters.Add(new NpgsqlParameter<Vector[]>(name, value));
        return command;
    }
}
