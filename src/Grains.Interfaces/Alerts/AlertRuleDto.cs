namespace FluidManager.Grains.Interfaces.Alerts;

/// <summary>A company's rule for one kind of alert. <see cref="ThresholdMinutes"/> matters for blocked tasks and waiting approvals.</summary>
[GenerateSerializer]
[Alias("fm.alerts.AlertRuleDto")]
public sealed record AlertRuleDto(
    [property: Id(0)] AlertKind Kind,
    [property: Id(1)] bool Enabled,
    [property: Id(2)] int ThresholdMinutes,
    [property: Id(3)] bool IsDefault);
