using System.Diagnostics;
using System.Globalization;
using FluidManager.Models;
using FluidManager.Runtime.Activities;
using Microsoft.Extensions.AI;

namespace FluidManager.Grains.Memory;

/// <summary>
/// A lesson request: the agent's model and the request (<see cref="LessonPrompt"/>), the task it is about and the attempt
/// the feedback came in, the lesson written from the feedback alone should the model not answer, the feedback's words (a
/// repeated reason proposes a playbook change) and the person who gave it (the lesson's author).
/// </summary>
public sealed record MemoryLessonInput(long CompanyId, long AgentId, long TaskId, int Attempt, string Model, ChatRequest Request,
    string FallbackLesson, string Feedback, string SourceActor);

/// <summary>The model's answer to a lesson request, and how long the call took.</summary>
public sealed record MemoryLessonResult(long CompanyId, long AgentId, long TaskId, string Model, ChatResponse Response)
{
    /// <summary>Wall-clock time of the call, the provider's retries and waits included.</summary>
    public TimeSpan Duration { get; init; }
}

/// <summary>
/// Activity <c>memory.lesson</c>: asks the agent's model for one short lesson from a person's feedback on a task, outside
/// any turn. It has no side effect (a rerun is harmless); the agent's memory grain reads the answer when it receives the
/// outcome, records the call in the task's trace and writes the lesson, or the feedback's own lesson when the call failed
/// or the answer is not a lesson.
/// </summary>
public sealed class MemoryLessonActivity(IChatModelProvider models) : ActivityHandler<MemoryLessonInput, MemoryLessonResult>
{
    public const string ActivityKind = "memory.lesson";

    public override string Kind => ActivityKind;

    protected override async Task<MemoryLessonResult> ExecuteAsync(MemoryLessonInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = models.Resolve(input.Model);
        var request = input.Request with { CorrelationId = $"task:{input.TaskId.ToString(CultureInfo.InvariantCulture)}/lesson" };
        var started = Stopwatch.GetTimestamp();
        var response = await model.GetResponseAsync(request, cancellationToken);
        return new MemoryLessonResult(input.CompanyId, input.AgentId, input.TaskId, input.Model, response) { Duration = Stopwatch.GetElapsedTime(started) };
    }
}

/// <summary>The request that asks an agent's model for a lesson: what to answer (<see cref="LessonContext.AnswerSchema"/>) and the <see cref="LessonContext"/> block.</summary>
internal static class LessonPrompt
{
    /// <summary>Most tokens a lesson answer may take.</summary>
    public const int MaxOutputTokens = 200;

    public static ChatRequest Build(LessonContext lesson) => new()
    {
        Messages =
        [
            ChatMessage.System(
                $"You are {lesson.Agent.Name}, {lesson.Agent.Role} in {lesson.Agent.Department}. A person gave feedback on your work on a task. "
                + "Propose at most one lesson you will apply on similar tasks from now on: one short sentence (under 40 words) that names the kind of work "
                + "and what to do, in the person's own terms. If the feedback teaches nothing (praise, thanks, an acknowledgement), give no lesson.\n"
                + $"Answer with only this JSON object, no other text: {LessonContext.AnswerSchema}\n"
                + "The task, your output and the feedback:\n"
                + lesson.ToPromptBlock()),
            ChatMessage.User("Propose the lesson now, as the JSON object."),
        ],
        MaxOutputTokens = MaxOutputTokens,
        Seed = lesson.Task.Id,
    };
}
