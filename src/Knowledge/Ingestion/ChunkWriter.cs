using FluidManager.Grains.Data;
using FluidManager.Knowledge.Embeddings;
using FluidManager.Models;
using Npgsql;
using Pgvector;

namespace FluidManager.Knowledge.Ingestion;

/// <summary>Writes one generation of a document's chunks in one transaction, replacing whatever an earlier attempt wrote for it.</summary>
internal static class ChunkWriter
{
    private const int Batch = 500;

    private const string DeleteGeneration = "DELETE FROM knowledge_chunks WHERE document_id = @document_id AND generation = @generation";

    /// <summary>
    /// Whether this generation is still the wanted one. No row lock: the grain's updates of the document
    /// must not wait for this write; a generation superseded meanwhile is never made searchable, and its
    /// chunks are removed when the next ingestion of the document ends.
    /// </summary>
    private const string StillWanted = """
        SELECT 1 FROM knowledge_documents WHERE id = @document_id AND space_id = @space_id AND generation = @generation
        """;

    /// <summary>One row per element of the parallel arrays; the vectors are a typed vector[] (binary, no text cast).</summary>
    private const string Insert = """
        INSERT INTO knowledge_chunks (company_id, space_id, document_id, generation, ordinal, heading, content, char_start, char_end, token_count, embedding)
        SELECT @company_id, @space_id, @document_id, @generation, c.ordinal, c.heading, c.content, c.char_start, c.char_end, c.token_count,
               c.embedding
        FROM unnest(@ordinals::int[], @headings::text[], @contents::text[], @starts::int[], @ends::int[], @tokens::int[], @embeddings::vector[])
             AS c (ordinal, heading, content, char_start, char_end, token_count, embedding)
        """;

    /// <summary>Returns the chunks written, or 0 when the document or this generation is gone.</summary>
    public static async Task<int> WriteAsync(NpgsqlDataSource dataSource, IngestInput input, IReadOnlyList<TextChunk> chunks, IReadOnlyList<float[]> vectors, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var wanted = await new NpgsqlCommand(StillWanted, connection, transaction)
            .With("document_id", input.DocumentId).With("space_id", input.SpaceId).With("generation", input.Generation)
            .ScalarAsync<int?>(cancellationToken);
        if (wanted is null)
        {
            return 0;
        }

        await new NpgsqlCommand(DeleteGeneration, connection, transaction)
            .With("document_id", input.DocumentId).With("generation", input.Generation)
            .ExecuteAsync(cancellationToken);
        for (var from = 0; from < chunks.Count; from += Batch)
        {
            var batch = chunks.Skip(from).Take(Batch).ToList();
            await new NpgsqlCommand(Insert, connection, transaction)
                .With("company_id", input.CompanyId).With("space_id", input.SpaceId).With("document_id", input.DocumentId).With("generation", input.Generation)
                .With("embeddings", vectors.Skip(from).Take(batch.Count).Select(v => new Vector(v)).ToArray())
                .With("ordinals", batch.Select(c => c.Ordinal).ToArray())
                .With("headings", batch.Select(c => c.Heading).ToArray())
                .With("contents", batch.Select(c => c.Content).ToArray())
                .With("starts", batch.Select(c => c.Start).ToArray())
                .With("ends", batch.Select(c => c.End).ToArray())
                .With("tokens", batch.Select(c => TokenEstimator.Count(c.Content)).ToArray())
                .ExecuteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return chunks.Count;
    }
}
