namespace FluidManager.Grains.Interfaces.Meetings;

[GenerateSerializer]
[Alias("fm.meetings.SpeakerKind")]
public enum SpeakerKind
{
    Human,
    Agent,
    System,
}
