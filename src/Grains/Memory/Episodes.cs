using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Memory;

/// <summary>
/// The episode a finished attempt leaves in its agent's memory: what the task asked, how it ended (the result or
/// the reason, which carries the feedback of a rejection), and what it cost. Posted to the agent's memory grain
/// (a <see cref="MemoryNote"/>) in the turn that stops the run, so it is sent if and only if that turn commits; the
/// memory grain writes it in its own turn. Its vector comes later, from the <c>memory.embed</c> activity the write starts.
/// </summary>
internal static class Episodes
{
    public static string Describe(TaskDto task, int attempt, long tokens, decimal cost, int calls)
    {
        var asked = task.Description.Length > 0 ? $" It asked: {Clip(task.Description, 300)}" : "";
        var outcome = task.Status == TaskState.Done
            ? $"Done: {Clip(task.Result ?? "", 600)}"
            : $"{(task.Status == TaskState.Failed ? "Failed" : "Cancelled")}: {Clip(task.StatusReason ?? "", 600)}";
        return string.Create(CultureInfo.InvariantCulture,
            $"Task #{task.Id} \"{task.Title}\" (attempt {attempt}).{asked} {outcome} Cost: {calls} model call(s), {tokens} tokens, ${cost:0.####}.");
    }

    public static async Task WriteAsync(ITurnContext context, TaskDto task, long agentId, int attempt)
    {
        if (task.Status is not (TaskState.Done or TaskState.Failed))
        {
            return;
        }

        var (tokens, cost, calls) = await context.Sql(MemorySql.AttemptCost).With("task_id", task.Id).With("company_id", task.CompanyId).With("attempt", attempt)
            .FirstOrDefaultAsync(r => new Tuple<long, decimal, int>(r.Get<long>("tokens"), r.Get<decimal>("cost"), r.Get<int>("calls"))) ?? new(0, 0m, 0);
        var text = Describe(task, attempt, tokens, cost, calls);
        await context.PostAsync<IAgentMemoryGrain>(agentId.ToString(CultureInfo.InvariantCulture), new MemoryNote(new RememberCommand
        {
            CompanyId = task.CompanyId,
            Kind = MemoryKind.Episode,
            Content = text,
            SourceKind = MemorySourceKind.Task,
            SourceTaskId = task.Id,
            FromSystem = true,
        }, context.Actor ?? Actor.System));
    }

    private static string Clip(string text, int max)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }
}
