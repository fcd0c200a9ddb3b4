using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Memory;

/// <summary>
/// Lessons from a person's feedback: when the CEO rejects an agent's request with a reason, the agent's memory
/// gets a lesson with the task as its source, in the rejecting turn (so the two commit together). The lesson
/// names the work and the reason in words a similar task's briefing finds again.
/// </summary>
internal static class FeedbackLessons
{
    /// <summary>The lesson a rejection teaches, or null when the rejection gives no reason to learn from.</summary>
    public static string? FromRejection(string taskTitle, string action, string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment))
        {
            return null;
        }

        var reason = comment.Trim().TrimEnd('.');
        var lesson = $"The CEO rejected \"{action.Trim()}\" for the task \"{taskTitle.Trim()}\": {reason}. On similar work, do this before asking for approval.";
        return lesson.Length <= 4000 ? lesson : lesson[..3999] + "…";
    }

    /// <summary>Writes the lesson of a rejected approval to the requesting agent's memory; the item, or null when there is nothing to learn.</summary>
    /// <summary>The instruction a repeated rejection reason becomes: the reason as one sentence.</summary>
    public static string Instruction(string comment)
    {
        var reason = comment.ReplaceLineEndings(" ").Trim().TrimEnd('.', '!', ';', ',');
        reason = reason.Length > 1990 ? reason[..1990] : reason;
        return char.ToUpperInvariant(reason[0]) + reason[1..] + ".";
    }

    /// <summary>
    /// Writes the lesson of a rejected approval to the requesting agent's memory, and, when the agent already had
    /// the same lesson, proposes the reason as a standing instruction of its playbook. The lesson, or null when there is nothing to learn.
    /// </summary>
    public static async Task<MemoryItemDto?> LearnFromRejectionAsync(ITurnContext context, IServiceProvider services, ApprovalDto approval, string taskTitle)
    {
        if (FromRejection(taskTitle, approval.Action, approval.Comment) is not { } lesson || approval.Comment is not { } comment)
        {
            return null;
        }

        var (vector, model) = await MemoryStore.TryEmbedAsync(services, lesson);
        var item = await context.Grains.GetGrain<IAgentMemoryGrain>(approval.AgentId).RememberAsync(new RememberCommand
        {
            CompanyId = approval.CompanyId,
            Kind = MemoryKind.Lesson,
            Content = lesson,
            SourceKind = MemorySourceKind.Task,
            SourceTaskId = approval.TaskId,
            Embedding = vector,
            EmbeddingModel = model,
            FromSystem = true,
        });
        await Playbook.ProposeIfRepeatedAsync(context, item, vector, comment.Trim().TrimEnd('.'), Instruction(comment));
        return item;
    }
}
