namespace FluidManager.Grains.Interfaces.Work;

/// <summary>One model call: who made it for which step, what it used and cost, how long it took.</summary>
public sealed record LlmCallDto(
    long Id,
    long CompanyId,
    long TaskId,
    long AgentId,
    string? Project,
    int Attempt,
    int Step,
    Guid ActivityId,
    string Model,
    int InputTokens,
    int OutputTokens,
    decimal Cost,
    long DurationMs,
    string? FinishReason,
    int ToolCalls,
    bool Succeeded,
    string? Error,
    long ReservedTokens,
    decimal ReservedCost,
    DateTimeOffset At)
{
    public int TotalTokens => InputTokens + OutputTokens;
}
