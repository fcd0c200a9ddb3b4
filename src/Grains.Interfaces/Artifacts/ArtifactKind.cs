namespace FluidManager.Grains.Interfaces.Artifacts;

public enum ArtifactKind
{
    Spec,
    File,
    Link,
    Post,
    Avatar,
}
