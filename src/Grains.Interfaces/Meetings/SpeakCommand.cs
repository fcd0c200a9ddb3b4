namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>The CEO says something in the meeting, or asks one participant (<see cref="ToAgentId"/>).</summary>
public sealed record SpeakCommand(long CompanyId, string Text, long? ToAgentId = null);
