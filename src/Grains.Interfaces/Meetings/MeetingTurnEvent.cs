namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>A participant was asked to speak (or, with no agent, the minutes are being written).</summary>
public sealed record MeetingTurnEvent(long MeetingId, long? AgentId, int Round, Guid ActivityId, string Model, long ReservedTokens, decimal ReservedCost);
