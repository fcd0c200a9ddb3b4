using System.Globalization;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Memory;

/// <summary>
/// Lessons from a person's feedback: when the CEO rejects an agent's request with a reason, retries a failed task
/// with a reason, or comments on a task, the agent's model (the requesting agent's, or the task's assignee's) is asked
/// for a lesson in a <c>memory.lesson</c> activity, which the agent's memory grain starts in its own turn on the
/// <see cref="LessonRequest"/> message the feedback's turn posts (sent if and only if that turn commits); the lesson
/// gets the task as its source. The lessons built here from the feedback's words are what is written when the model
/// cannot answer. Without a reason there is nothing to learn; an agent's own comments teach nothing.
/// </summary>
internal static class FeedbackLessons
{
    public const string Rejection = "rejection";
    public const string Retry = "retry";
    public const string Comment = "comment";

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

    /// <summary>The lesson a person's retry of a failed task teaches, or null when the retry gives no reason.</summary>
    public static string? FromRetry(string taskTitle, string? failure, string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment))
        {
            return null;
        }

        var failed = string.IsNullOrWhiteSpace(failure) ? "" : $" (it failed: {Flat(failure, 600)})";
        return Clip($"The CEO retried the failed task \"{taskTitle.Trim()}\"{failed}: {Reason(comment)}. On similar work, do this from the start.");
    }

    /// <summary>The lesson a person's comment on a task teaches, or null for an empty comment.</summary>
    public static string? FromComment(string taskTitle, string? comment) =>
        string.IsNullOrWhiteSpace(comment) ? null : Clip($"The CEO commented on the task \"{taskTitle.Trim()}\": {Reason(comment)}. On similar work, take this into account.");

    /// <summary>Whether a turn was asked for by a person (a lesson comes from a person's feedback only).</summary>
    public static bool ByPerson(string? actor) => Data.Actor.Parse(actor).Kind == "human";

    /// <summary>The reason of a comment as earlier lessons carry it word for word.</summary>
    public static string Reason(string comment) => comment.Trim().TrimEnd('.');

    /// <summary>The instruction a repeated rejection reason becomes: the reason as one sentence.</summary>
    public static string Instruction(string comment)
    {
        var reason = comment.ReplaceLineEndings(" ").Trim().TrimEnd('.', '!', ';', ',');
        reason = reason.Length > 1990 ? reason[..1990] : reason;
        return char.ToUpperInvariant(reason[0]) + reason[1..] + ".";
    }

    /// <summary>Asks the requesting agent's model for the lesson of a rejected approval; false when the rejection gives no reason to learn from.</summary>
    public static async Task<bool> LearnFromRejectionAsync(ITurnContext context, ApprovalDto approval, string taskTitle) =>
        FromRejection(taskTitle, approval.Action, approval.Comment) is { } lesson && approval.Comment is { } comment
        && await ProposeAsync(context, approval.CompanyId, approval.AgentId, approval.TaskId, Rejection, comment, lesson, Work.AgentBriefing.Clip(approval.Action, 2000));

    /// <summary>Asks the assignee's model for the lesson of a person's retry of a failed task; false when there is nothing to learn.</summary>
    public static async Task<bool> LearnFromRetryAsync(ITurnContext context, TaskDto failed, string? comment) =>
        failed.AssigneeAgentId is { } agentId && ByPerson(context.Actor) && FromRetry(failed.Title, failed.StatusReason, comment) is { } lesson
        && await ProposeAsync(context, failed.CompanyId, agentId, failed.Id, Retry, comment!, lesson, action: null);

    /// <summary>Asks the assignee's model for the lesson of a person's comment on a task; false when there is nothing to learn.</summary>
    public static async Task<bool> LearnFromCommentAsync(ITurnContext context, TaskDto task, string comment) =>
        task.AssigneeAgentId is { } agentId && ByPerson(context.Actor) && FromComment(task.Title, comment) is { } lesson
        && await ProposeAsync(context, task.CompanyId, agentId, task.Id, Comment, comment, lesson, action: null);

    private static async Task<bool> ProposeAsync(ITurnContext context, long companyId, long agentId, long taskId, string kind, string feedback, string fallback, string? action)
    {
        await context.PostAsync<IAgentMemoryGrain>(agentId.ToString(CultureInfo.InvariantCulture), new LessonRequest(new ProposeLessonCommand
        {
            CompanyId = companyId,
            TaskId = taskId,
            Kind = kind,
            Feedback = feedback,
            FallbackLesson = fallback,
            Action = action,
        }, context.Actor ?? Data.Actor.System));
        return true;
    }

    private static string Flat(string text, int max)
    {
        var flat = text.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }

    private static string Clip(string lesson) => lesson.Length <= 4000 ? lesson : lesson[..3999] + "…";
}
