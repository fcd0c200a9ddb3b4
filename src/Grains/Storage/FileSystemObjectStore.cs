using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Grains.Storage;

/// <summary>Objects as files under a root folder (the embedded default). Writes are atomic: temp file, then rename.</summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private readonly string _root;

    public FileSystemObjectStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public async Task<StoredObject> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            (long Size, string Sha256) written;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                written = await Hashing.CopyAsync(content, file, cancellationToken);
                await file.FlushAsync(cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
            return new StoredObject(key, written.Size, written.Sha256, contentType);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public Task<ObjectContent?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous);
            return Task.FromResult<ObjectContent?>(new ObjectContent(stream, stream.Length));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<ObjectContent?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <summary>The file of a key; refuses any key that would leave the root (path traversal).</summary>
    private string PathOf(string key)
    {
        ObjectKeys.Validate(key);
        var full = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The object key '{key}' points outside the storage root.", nameof(key));
        }

        return full;
    }
}
