using System.Text;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Memory;

/// <summary>
/// An agent's playbook: the standing instructions people approved, appended to its briefings. A lesson that comes
/// back (an earlier lesson of the agent close to the new one) proposes a change: the instruction it teaches, with
/// the playbook before and after, waiting for a person's decision. Nothing changes without that approval.
/// </summary>
internal static class Playbook
{
    /// <summary>Cosine distance under which two lessons count as the same lesson.</summary>
    public const double SameLessonDistance = 0.2;

    public static PlaybookChangeDto Map(NpgsqlDataReader r) => new()
    {
        Id = r.Get<long>("id"),
        CompanyId = r.Get<long>("company_id"),
        AgentId = r.Get<long>("agent_id"),
        Status = r.GetEnum<PlaybookChangeStatus>("status"),
        Instruction = r.Get<string>("instruction"),
        PlaybookBefore = r.Get<string>("playbook_before"),
        PlaybookAfter = r.Get<string>("playbook_after"),
        LessonIds = r.Get<long[]>("lesson_ids"),
        SourceTaskIds = r.Get<long[]>("source_task_ids"),
        CreatedAt = r.Get<DateTimeOffset>("created_at"),
        DecidedAt = r.GetOrNull<DateTimeOffset>("decided_at"),
        DecidedBy = r.GetStringOrNull("decided_by"),
        Comment = r.GetStringOrNull("comment"),
        Version = r.Get<long>("version"),
    };

    /// <summary>The approved instructions of the agent, in order.</summary>
    public static async Task<IReadOnlyList<string>> ApprovedAsync(ITurnContext context, long companyId, long agentId) =>
        await context.Sql(PlaybookSql.Approved).With("company_id", companyId).With("agent_id", agentId).ListAsync(r => r.Get<string>("instruction"));

    /// <summary>The playbook as it reads in a briefing: one instruction a line.</summary>
    public static string Render(IReadOnlyList<string> instructions)
    {
        var text = new StringBuilder();
        foreach (var instruction in instructions)
        {
            text.Append("- ").Append(instruction.ReplaceLineEndings(" ").Trim()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The section a briefing appends, or nothing when no instruction was approved.</summary>
    public static string Section(IReadOnlyList<string> instructions) => instructions.Count == 0
        ? ""
        : "Your playbook (standing instructions approved by the CEO; always follow them):\n" + Render(instructions);

    /// <summary>
    /// After a lesson from feedback: when earlier lessons of the agent are the same lesson, proposes adding
    /// <paramref name="instruction"/> to its playbook (once per group of lessons) and returns the proposal.
    /// </summary>
    public static async Task<PlaybookChangeDto?> ProposeIfRepeatedAsync(ITurnContext context, MemoryItemDto lesson, float[]? embedding, string reason, string instruction)
    {
        var similar = await context.Sql(PlaybookSql.SimilarLessons).With("company_id", lesson.CompanyId).With("agent_id", lesson.AgentId).With("id", lesson.Id)
            .WithVector("embedding", embedding).With("max_distance", SameLessonDistance).With("reason", reason).With("now", context.Now)
            .ListAsync(r => (Id: r.Get<long>("id"), Task: r.GetOrNull<long>("source_task_id")));
        if (similar.Count == 0)
        {
            return null;
        }

        var current = await ApprovedAsync(context, lesson.CompanyId, lesson.AgentId);
        var lessons = similar.Select(s => s.Id).Append(lesson.Id).ToArray();
        var tasks = similar.Select(s => s.Task).Append(lesson.SourceTaskId).OfType<long>().Distinct().ToArray();
        var id = await context.Sql(PlaybookSql.Insert).With("company_id", lesson.CompanyId).With("agent_id", lesson.AgentId).With("instruction", instruction)
            .With("before", Render(current)).With("after", Render([.. current, instruction])).With("lesson_ids", lessons).With("source_task_ids", tasks)
            .With("now", context.Now).ScalarAsync<long>();
        var change = await context.Sql(PlaybookSql.ById).With("id", id).With("company_id", lesson.CompanyId).With("agent_id", lesson.AgentId).FirstOrDefaultAsync(Map)
            ?? throw new InvalidOperationException($"Playbook change {id} vanished in its own transaction.");
        await context.PublishAsync(Streams.Company(lesson.CompanyId), MemoryEventTypes.PlaybookProposed, change, lesson.CompanyId);
        return change;
    }
}
