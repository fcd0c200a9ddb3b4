namespace FluidManager.Grains.Interfaces.Alerts;

/// <summary>What an alert rule watches.</summary>
[GenerateSerializer]
[Alias("fm.alerts.AlertKind")]
public enum AlertKind
{
    /// <summary>A task failed (open until it is done or cancelled, however often it fails meanwhile).</summary>
    TaskFailed,

    /// <summary>A task blocked for longer than the threshold.</summary>
    TaskBlocked,

    /// <summary>An approval waiting for longer than the threshold.</summary>
    ApprovalWaiting,

    /// <summary>This month's model spend at 80% of the company's monthly budget.</summary>
    BudgetWarning,

    /// <summary>This month's model spend at the company's monthly budget.</summary>
    BudgetReached,

    /// <summary>A schedule whose last run was skipped.</summary>
    ScheduleFailing,

    /// <summary>A message of the company's grains in the dead letters (open until it is replayed or removed).</summary>
    DeadLetter,

    /// <summary>A silo that the cluster declared dead without it stopping (open until it is back or the cluster forgets it).</summary>
    SiloLost,

    /// <summary>A workflow trigger whose last firing failed to start its run or task after its retries (open until a later firing succeeds).</summary>
    TriggerFailing,
}
