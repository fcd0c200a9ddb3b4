using System.Diagnostics;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Models;
using FluidManager.Runtime.Activities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Grains.Memory;

/// <summary>
/// What a briefing searches: the task's words, the agents whose memory the assignee reads, and the turn's clock (so the
/// items valid at that moment are the ones found).
/// </summary>
public sealed record MemoryBriefingInput(long CompanyId, long TaskId, long AgentId, int Attempt, IReadOnlyList<long> AgentIds, string Query, DateTimeOffset Now, int Limit);

/// <summary>The ranked items found, how long the search took, and whether its meaning half ran (false: words only, the embedding failed).</summary>
public sealed record MemoryBriefingResult(IReadOnlyList<MemoryHit> Hits, double DurationMs, bool Embedded);

/// <summary>
/// Activity <c>memory.briefing</c>: the memory part of a task's briefing, outside any turn. Embeds the task's words and
/// runs the hybrid search; read-only, so a retry is harmless. A failing embedding model leaves the search to its
/// full-text half. The runner receives the hits, keeps what fits the token bound, records the recall and writes the
/// briefing in the turn that receives them, before the first model call.
/// </summary>
public sealed class MemoryBriefingActivity(IServiceProvider services, NpgsqlDataSource dataSource, IOptions<MemoryOptions> options, ILogger<MemoryBriefingActivity> logger)
    : ActivityHandler<MemoryBriefingInput, MemoryBriefingResult>
{
    public const string ActivityKind = "memory.briefing";

    public override string Kind => ActivityKind;

    protected override async Task<MemoryBriefingResult> ExecuteAsync(MemoryBriefingInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var started = Stopwatch.GetTimestamp();
        float[]? vector = null;
        var embedded = true;
        try
        {
            (vector, _) = await MemoryStore.EmbedAsync(services, input.Query, cancellationToken);
        }
        catch (ModelCallException ex)
        {
            Log.BriefingMemoryWordsOnly(logger, input.TaskId, ex);
            embedded = false;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var hits = await MemoryStore.SearchAsync(connection, transaction: null, options.Value, input.CompanyId, input.AgentIds, input.Query, vector, kinds: null,
            input.Limit, input.Now, includeInactive: false, cancellationToken);
        return new MemoryBriefingResult(hits, Stopwatch.GetElapsedTime(started).TotalMilliseconds, embedded && vector is not null);
    }
}
