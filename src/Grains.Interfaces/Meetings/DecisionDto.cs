namespace FluidManager.Grains.Interfaces.Meetings;

public sealed record DecisionDto(long Id, int Position, string Text);
