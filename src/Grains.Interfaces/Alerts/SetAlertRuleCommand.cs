namespace FluidManager.Grains.Interfaces.Alerts;

[GenerateSerializer]
[Alias("fm.alerts.SetAlertRuleCommand")]
public sealed record SetAlertRuleCommand(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] AlertKind Kind,
    [property: Id(2)] bool Enabled,
    [property: Id(3)] int ThresholdMinutes);
