namespace FluidManager.Grains.Interfaces.Work;

/// <summary>The events of the agent loop (stream task:{id} unless noted), with their payloads.</summary>
public static class WorkEventTypes
{
    /// <summary>Payload StepStartedEvent: a model call was scheduled after the budget check.</summary>
    public const string StepStarted = "task.step_started";

    /// <summary>Payload LlmCallDto.</summary>
    public const string LlmCall = "llm.call";

    /// <summary>Payload ToolCallDto (allowed or denied).</summary>
    public const string ToolCall = "tool.call";

    /// <summary>Payload TaskRunDto: the loop stopped (done, failed, cancelled, a limit) or parked.</summary>
    public const string RunStopped = "task.run_stopped";

    /// <summary>Payload TaskRunDto.</summary>
    public const string RunWaiting = "task.run_waiting";

    /// <summary>Payload BudgetExceededEvent, on the task's and the agent's streams: the call was not made.</summary>
    public const string BudgetExceeded = "budget.exceeded";

    /// <summary>Payload ApprovalEvent, on the task's stream and the company's (the CEO's approvals inbox).</summary>
    public const string ApprovalRequested = "approval.requested";

    public const string ApprovalApproved = "approval.approved";

    public const string ApprovalRejected = "approval.rejected";

    public const string ApprovalExpired = "approval.expired";

    /// <summary>Payload ClarificationDto, on the task's stream and the asked party's (agent:{id} or company:{id}).</summary>
    public const string ClarificationRequested = "clarification.requested";

    public const string ClarificationAnswered = "clarification.answered";

    /// <summary>Payload CompanyBudgetDto, on the company's stream.</summary>
    public const string BudgetChanged = "budget.changed";
}
