namespace FluidManager.Grains.Storage;

/// <summary>The object storage server refused or could not be reached; the message names the endpoint, the bucket and the setting to check.</summary>
public sealed class ObjectStorageException : IOException
{
    public ObjectStorageException(string message)
        : base(message)
    {
    }

    public ObjectStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
