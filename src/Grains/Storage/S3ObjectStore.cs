using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Grains.Storage;

/// <summary>
/// Objects in an S3-compatible bucket (MinIO in production, s3rver in tests). Uploads are sent with a
/// known length and without chunked encoding, which every S3-compatible server accepts.
/// </summary>
public sealed class S3ObjectStore(IAmazonS3 client, string bucket) : IObjectStore, IDisposable
{
    public static S3ObjectStore Create(S3StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        var credentials = new BasicAWSCredentials(options.AccessKey, options.SecretKey);
        return new S3ObjectStore(new AmazonS3Client(credentials, config), options.Bucket!);
    }

    public async Task<StoredObject> PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ObjectKeys.Validate(key);
        Stream body;
        FileStream? spool = null;
        (long Size, string Sha256) measured;
        if (content.CanSeek)
        {
            var start = content.Position;
            measured = await Hashing.CopyAsync(content, null, cancellationToken);
            content.Position = start;
            body = content;
        }
        else
        {
            // The length must be known before sending without chunked encoding: spool to a temp file.
            spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            measured = await Hashing.CopyAsync(content, spool, cancellationToken);
            spool.Position = 0;
            body = spool;
        }

        try
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = body,
                ContentType = contentType,
                UseChunkEncoding = false,
                AutoCloseStream = false,
            }, cancellationToken);
        }
        finally
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }
        }

        return new StoredObject(key, measured.Size, measured.Sha256, contentType);
    }

    public async Task<ObjectContent?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        try
        {
            var response = await client.GetObjectAsync(bucket, key, cancellationToken);
            return new ObjectContent(response.ResponseStream, response.ContentLength, response);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        await client.DeleteObjectAsync(bucket, key, cancellationToken);
    }

    public void Dispose() => client.Dispose();
}
