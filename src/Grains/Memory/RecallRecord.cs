using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Memory;

/// <summary>Records that memory items were brought into a task (its trace), and says so on the task's stream.</summary>
internal static class RecallRecord
{
    public static async Task<long> WriteAsync(ITurnContext context, long companyId, long agentId, long? taskId, int? attempt, string via, string query,
        IReadOnlyList<long> itemIds, int tokens, double durationMs)
    {
        var id = await context.Sql(MemorySql.InsertRecall).With("company_id", companyId).With("agent_id", agentId).With("task_id", taskId)
            .With("attempt", attempt).With("via", via).With("query", query.Length > 2000 ? query[..2000] : query).With("item_ids", itemIds.ToArray())
            .With("tokens", tokens).With("duration_ms", durationMs).With("now", context.Now).ScalarAsync<long>();
        var recalled = new MemoryRecalledEvent(id, agentId, taskId, via, itemIds, tokens);
        await context.PublishAsync(taskId is { } task ? Streams.Task(task) : Streams.Agent(agentId), MemoryEventTypes.Recalled, recalled, companyId);
        return id;
    }
}
