using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Workflows;

/// <summary>A step's task ended (done, failed or cancelled): posted by the task in the turn that ended it.</summary>
public sealed record WorkflowStepSettled(long CompanyId, long TaskId, string StepKey, int Attempt, TaskState Status);
