using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Grains.Storage;

/// <summary>
/// Where artifact and document bytes live; PostgreSQL keeps their metadata. Callers write the bytes
/// first and then record the returned <see cref="StoredObject"/> through a grain, so an orphan object
/// is possible but a row without bytes is not.
/// </summary>
public interface IObjectStore
{
    /// <summary>Writes (or replaces) the object at <paramref name="key"/>; returns its size and SHA-256.</summary>
    Task<StoredObject> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for reading, or null when there is none. Dispose the result.</summary>
    Task<ObjectContent?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes the object; removing a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}
