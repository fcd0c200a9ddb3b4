namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>
/// One step with the inputs filled in; references to other steps' results stay as written (they are known only in a
/// run). <c>Condition</c> is the step's <c>if</c> when it names inputs only (null when there is none or it needs results).
/// </summary>
[GenerateSerializer]
[Alias("fm.workflows.WorkflowStepPreviewDto")]
public sealed record WorkflowStepPreviewDto(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string Brief,
    [property: Id(3)] IReadOnlyList<string> Requires,
    [property: Id(4)] bool? Condition,
    [property: Id(5)] bool Compensation);
