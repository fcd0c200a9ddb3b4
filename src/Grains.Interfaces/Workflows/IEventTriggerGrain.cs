namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>
/// One event trigger (key = trigger id): decides, once per committed event, whether the event fires it (type,
/// condition, depth and rate limits) and starts its run or task in the same transaction as the firing's record.
/// </summary>
[Alias("fm.IEventTriggerGrain")]
public interface IEventTriggerGrain : IGrainWithStringKey
{
    /// <summary>Fires (or records why not) for one event; an event already decided returns the recorded firing.</summary>
    Task<EventFiringDto> FireAsync(EventFiringCommand command);

    /// <summary>Records that the event could not start anything after <see cref="FailedFiringCommand.Attempts"/> attempts, with the error.</summary>
    Task<EventFiringDto> RecordFailureAsync(FailedFiringCommand command);
}
