namespace FluidManager.Grains.Interfaces.Artifacts;

[GenerateSerializer]
[Alias("fm.artifacts.ArtifactKind")]
public enum ArtifactKind
{
    Spec,
    File,
    Link,
    Post,
    Avatar,
}
