namespace FluidManager.Grains.Interfaces.Work;

/// <summary>One model call: who made it for which step, what it used and cost, how long it took.</summary>
[GenerateSerializer]
[Alias("fm.work.LlmCallDto")]
public sealed record LlmCallDto(
    [property: Id(0)] long Id,
    [property: Id(1)] long CompanyId,
    [property: Id(2)] long TaskId,
    [property: Id(3)] long AgentId,
    [property: Id(4)] string? Project,
    [property: Id(5)] int Attempt,
    [property: Id(6)] int Step,
    [property: Id(7)] Guid ActivityId,
    [property: Id(8)] string Model,
    [property: Id(9)] int InputTokens,
    [property: Id(10)] int OutputTokens,
    [property: Id(11)] decimal Cost,
    [property: Id(12)] long DurationMs,
    [property: Id(13)] string? FinishReason,
    [property: Id(14)] int ToolCalls,
    [property: Id(15)] bool Succeeded,
    [property: Id(16)] string? Error,
    [property: Id(17)] long ReservedTokens,
    [property: Id(18)] decimal ReservedCost,
    [property: Id(19)] DateTimeOffset At)
{
    public int TotalTokens => InputTokens + OutputTokens;
}
