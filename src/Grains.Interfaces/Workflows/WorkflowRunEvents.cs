using System.Globalization;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>The stream and event types of workflow runs (one stream per run, for the live dashboard).</summary>
public static class WorkflowRunEvents
{
    public const string RunStarted = "run.started";
    public const string RunPaused = "run.paused";
    public const string RunResumed = "run.resumed";
    public const string RunCompensating = "run.compensating";
    public const string RunCompleted = "run.completed";
    public const string RunFailed = "run.failed";
    public const string RunCancelled = "run.cancelled";
    public const string StepStarted = "step.started";
    public const string StepCompleted = "step.completed";
    public const string StepFailed = "step.failed";
    public const string StepRetrying = "step.retrying";
    public const string StepSkipped = "step.skipped";
    public const string StepCancelled = "step.cancelled";

    public static string Stream(long runId) => "workflow-run:" + runId.ToString(CultureInfo.InvariantCulture);
}
