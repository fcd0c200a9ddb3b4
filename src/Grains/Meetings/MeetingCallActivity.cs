using System.Diagnostics;
using System.Globalization;
using FluidManager.Models;
using FluidManager.Runtime.Activities;
using Microsoft.Extensions.AI;

namespace FluidManager.Grains.Meetings;

/// <summary>The input of one model call of a meeting: a participant's turn (<see cref="AgentId"/>) or the synthesis (no agent).</summary>
public sealed record MeetingCallInput(long CompanyId, long MeetingId, long? AgentId, int Step, string Model, ChatRequest Request)
{
    /// <summary>The transcript number of the CEO's question the turn answers, if any.</summary>
    public int? AnswersSeq { get; init; }
}

/// <summary>The answer of one model call of a meeting.</summary>
public sealed record MeetingCallResult(long CompanyId, long MeetingId, long? AgentId, int Step, string Model, ChatResponse Response, int? AnswersSeq)
{
    /// <summary>Wall-clock time of the call, the provider's retries and waits included.</summary>
    public TimeSpan Duration { get; init; }
}

/// <summary>
/// Activity <c>meeting.model_call</c>: resolves the model and calls it, with no side effect (meeting calls
/// offer no tools), so a rerun after a crash is harmless; the meeting records the answer exactly once.
/// (The agent loop's <c>agent.model_call</c> is keyed by task and stores artifacts: not a fit.)
/// </summary>
public sealed class MeetingCallActivity(IChatModelProvider models) : ActivityHandler<MeetingCallInput, MeetingCallResult>
{
    public const string ActivityKind = "meeting.model_call";

    public override string Kind => ActivityKind;

    protected override async Task<MeetingCallResult> ExecuteAsync(MeetingCallInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = models.Resolve(input.Model);
        var request = input.Request with { CorrelationId = $"meeting:{input.MeetingId.ToString(CultureInfo.InvariantCulture)}/step:{input.Step.ToString(CultureInfo.InvariantCulture)}" };
        var started = Stopwatch.GetTimestamp();
        var response = await model.GetResponseAsync(request, cancellationToken);
        return new MeetingCallResult(input.CompanyId, input.MeetingId, input.AgentId, input.Step, input.Model, response, input.AnswersSeq) { Duration = Stopwatch.GetElapsedTime(started) };
    }
}
