namespace FluidManager.Grains.Interfaces.Meetings;

public enum SpeakerKind
{
    Human,
    Agent,
    System,
}
