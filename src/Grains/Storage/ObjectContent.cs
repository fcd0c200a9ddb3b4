namespace FluidManager.Grains.Storage;

/// <summary>An object opened for reading; disposing it releases the stream and whatever holds it open.</summary>
public sealed class ObjectContent(Stream content, long length, IDisposable? owner = null) : IAsyncDisposable
{
    public Stream Content { get; } = content;

    public long Length { get; } = length;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        owner?.Dispose();
    }
}
