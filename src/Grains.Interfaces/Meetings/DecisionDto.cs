namespace FluidManager.Grains.Interfaces.Meetings;

[GenerateSerializer]
[Alias("fm.meetings.DecisionDto")]
public sealed record DecisionDto([property: Id(0)] long Id, [property: Id(1)] int Position, [property: Id(2)] string Text);
