using System.Diagnostics;
using FluidManager.Grains.Storage;
using FluidManager.Knowledge.Embeddings;
using FluidManager.Knowledge.Spaces;
using FluidManager.Models.Embeddings;
using FluidManager.Runtime.Activities;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Knowledge.Ingestion;

/// <summary>What to ingest: one generation of one document.</summary>
internal sealed record IngestInput(long CompanyId, long SpaceId, long DocumentId, int Generation, string StorageKey, string ContentType, string Name);

/// <summary>How an ingestion ended; <see cref="Error"/> is a failure that retrying the same bytes would repeat.</summary>
internal sealed record IngestResult(long DocumentId, int Generation, int ChunkCount, long CharCount, string? Format, string? Error = null);

/// <summary>The progress reported on the activity row (shown with the document).</summary>
internal sealed record IngestProgress(string Stage, int Done, int Total);

/// <summary>
/// The <c>knowledge.ingest</c> activity: reads the bytes from object storage, extracts the text,
/// chunks it, embeds the chunks and writes them as the document's generation, in one transaction of
/// its own (rewriting that generation if a retry finds it written). It never makes them searchable:
/// the space grain does, when this activity's outcome reaches it. Transient failures (storage, database,
/// embedding endpoint) throw and are retried by the runtime; unreadable documents end with an error result.
/// </summary>
internal sealed class IngestActivity(
    IGrainFactory grains,
    IObjectStore store,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    EmbeddingIndex index,
    NpgsqlDataSource dataSource,
    IOptions<KnowledgeOptions> options,
    ILogger<IngestActivity> logger) : ActivityHandler<IngestInput, IngestResult>
{
    public const string ActivityKind = "knowledge.ingest";

    public override string Kind => ActivityKind;

    protected override async Task<IngestResult> ExecuteAsync(IngestInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(execution);
        var settings = options.Value.Ingestion;
        IngestResult Fail(string error) => new(input.DocumentId, input.Generation, 0, 0, null, error);

        if (!await grains.GetGrain<IKnowledgeSpaceGrain>(input.SpaceId).StartIngestionAsync(input.DocumentId, input.Generation))
        {
            Log.IngestionSuperseded(logger, input.DocumentId, input.Generation);
            return Fail("superseded by a newer upload, a retry or a deletion");
        }

        await execution.ReportProgressAsync(new IngestProgress("reading", 0, 0));
        var bytes = await ReadAsync(input.StorageKey, settings.MaxDocumentBytes, cancellationToken);
        if (bytes is null)
        {
            return Fail("the document's bytes are missing from object storage");
        }

        if (bytes.Length > settings.MaxDocumentBytes)
        {
            return Fail($"the document has more than {settings.MaxDocumentBytes:N0} bytes");
        }

        await execution.ReportProgressAsync(new IngestProgress("extracting", 0, 0));
        ExtractedText extracted;
        try
        {
            extracted = TextExtractor.Extract(bytes, input.ContentType, input.Name);
        }
        catch (DocumentFormatException ex)
        {
            return Fail(ex.Message);
        }

        var chunks = new Chunker(settings.ChunkChars, settings.OverlapChars).Split(extracted.Text, extracted.LineUnits, extracted.Sections);
        if (chunks.Count == 0)
        {
            return Fail("no text to index was found");
        }

        try
        {
            await index.RequireReadyAsync(cancellationToken);
        }
        catch (FluidManager.Grains.Interfaces.Errors.ConflictException ex)
        {
            return Fail(ex.Message);
        }

        var vectors = new List<float[]>(chunks.Count);
        for (var done = 0; done < chunks.Count; done += settings.EmbeddingBatch)
        {
            await execution.ReportProgressAsync(new IngestProgress("embedding", done, chunks.Count));
            var batch = chunks.Skip(done).Take(settings.EmbeddingBatch).Select(EmbeddingText).ToList();
            vectors.AddRange(await embeddings.EmbedAsync(batch, cancellationToken));
        }

        await execution.ReportProgressAsync(new IngestProgress("writing", chunks.Count, chunks.Count));
        var clock = Stopwatch.StartNew();
        var written = await ChunkWriter.WriteAsync(dataSource, input, chunks, vectors, cancellationToken);
        Log.ChunksWritten(logger, input.DocumentId, input.Generation, written, clock.ElapsedMilliseconds);
        return written == 0
            ? Fail("superseded by a newer upload, a retry or a deletion")
            : new IngestResult(input.DocumentId, input.Generation, written, extracted.Text.Length, extracted.Format);
    }

    /// <summary>What is embedded: the heading path (context the passage itself may lack) and the passage.</summary>
    internal static string EmbeddingText(TextChunk chunk) => EmbeddingText(chunk.Heading, chunk.Content);

    /// <inheritdoc cref="EmbeddingText(TextChunk)"/>
    internal static string EmbeddingText(string heading, string content) => heading.Length == 0 ? content : heading + "\n\n" + content;

    private async Task<byte[]?> ReadAsync(string key, long maxBytes, CancellationToken cancellationToken)
    {
        await using var content = await store.GetAsync(key, cancellationToken);
        if (content is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.Content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                break;
            }
        }

        return buffer.ToArray();
    }
}
