namespace FluidManager.Grains.Storage;

public enum ObjectStorageKind
{
    /// <summary>A folder on disk (the embedded default).</summary>
    Filesystem,

    /// <summary>An S3-compatible bucket.</summary>
    S3,
}

/// <summary>Where artifact bytes are stored. Section <c>Fluid:Storage</c>.</summary>
public sealed class ObjectStorageOptions
{
    public const string Section = "Fluid:Storage";

    /// <summary><c>filesystem</c> (default) or <c>s3</c>.</summary>
    public ObjectStorageKind Kind { get; set; } = ObjectStorageKind.Filesystem;

    /// <summary>Root folder of the filesystem store. Default: <c>&lt;content root&gt;/.data/objects</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Settings of the S3 store (section <c>Fluid:Storage:S3</c>).</summary>
    public S3StorageOptions S3 { get; set; } = new();
}

/// <summary>An S3-compatible bucket, reached through the MinIO SDK. Bucket, AccessKey and SecretKey are required when Kind is s3.</summary>
public sealed class S3StorageOptions
{
    /// <summary>
    /// Endpoint of an S3-compatible server, such as <c>http://minio:9000</c>: the scheme chooses TLS
    /// (<c>https</c>) or not (<c>http</c>). Empty for AWS S3 itself (over TLS).
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Default <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    public string? Bucket { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Create the bucket on first use when it does not exist. Default true; when false a missing bucket is an error naming it.</summary>
    public bool CreateBucket { get; set; } = true;
}
