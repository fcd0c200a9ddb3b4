namespace FluidManager.Grains.Interfaces.Meetings;

[GenerateSerializer]
[Alias("fm.meetings.CtaStatus")]
public enum CtaStatus
{
    Proposed,
    Dropped,
    Dispatched,

    /// <summary>The hierarchy policy refused its route; reassign it, then dispatch again.</summary>
    Refused,
}
