namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>Writes the custom events of a company's agents (key = company id): the <c>emit_event</c> tool's effect.</summary>
[Alias("fm.ICustomEventsGrain")]
public interface ICustomEventsGrain : IGrainWithStringKey
{
    /// <summary>Writes <c>custom.&lt;name&gt;</c> on the task's stream (the agent's without a task); returns the event's position.</summary>
    Task<long> EmitAsync(EmitEventCommand command);
}
