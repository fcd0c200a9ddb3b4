namespace FluidManager.Grains.Interfaces.Alerts;

/// <summary>Alerts newest first; <see cref="Unread"/> keeps the unread ones only.</summary>
[GenerateSerializer]
[Alias("fm.alerts.ListAlertsQuery")]
public sealed record ListAlertsQuery(
    [property: Id(0)] long CompanyId,
    [property: Id(1)] bool Unread = false,
    [property: Id(2)] long? TaskId = null,
    [property: Id(3)] int Limit = 100);
