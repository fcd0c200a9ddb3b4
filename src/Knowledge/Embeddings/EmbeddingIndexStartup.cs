using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FluidManager.Knowledge.Embeddings;

/// <summary>Checks the knowledge index against the configured embedding model once the process starts (after the migrations).</summary>
internal sealed class EmbeddingIndexStartup(EmbeddingIndex index, ILogger<EmbeddingIndexStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await index.CheckAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            // Not fatal: search and ingestion check again, and say what is wrong, when they are used.
            Log.EmbeddingIndexCheckFailed(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
