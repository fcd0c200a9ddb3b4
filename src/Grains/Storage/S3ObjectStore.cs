using FluidManager.Grains.Interfaces.Artifacts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace FluidManager.Grains.Storage;

/// <summary>
/// Objects in an S3-compatible bucket (MinIO in production, s3rver in tests) through the MinIO SDK.
/// The bucket is checked on first use, and created when <see cref="S3StorageOptions.CreateBucket"/> is set.
/// Uploads are sent with a known length (a stream that cannot seek is spooled to a temporary file first);
/// a read is spooled to a temporary file too, since the SDK hands out the body only inside its call and
/// checks the response's status after that: what a reader gets is always the whole object.
/// Failures of the server (credentials, rights, a missing bucket, no connection) throw
/// <see cref="ObjectStorageException"/> naming the endpoint, the bucket and the setting to check.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private const string Settings = ObjectStorageOptions.Section + ":S3:";
    private readonly IMinioClient _client;
    private readonly string _bucket;
    private readonly string _endpoint;
    private readonly string _region;
    private readonly bool _createBucket;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _bucketCheck = new(1, 1);
    private volatile bool _bucketReady;

    private S3ObjectStore(IMinioClient client, S3StorageOptions options, string endpoint, ILogger logger)
    {
        _client = client;
        _bucket = options.Bucket!;
        _region = options.Region;
        _createBucket = options.CreateBucket;
        _endpoint = endpoint;
        _logger = logger;
    }

    /// <summary>A store on the options' endpoint (AWS S3 itself when <see cref="S3StorageOptions.ServiceUrl"/> is empty); TLS follows the URL's scheme.</summary>
    public static S3ObjectStore Create(S3StorageOptions options, ILogger<S3ObjectStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Bucket);
        var url = new Uri(string.IsNullOrWhiteSpace(options.ServiceUrl) ? "https://s3.amazonaws.com" : options.ServiceUrl, UriKind.Absolute);
        var client = new MinioClient()
            .WithEndpoint(url)
            .WithSSL(url.Scheme == Uri.UriSchemeHttps)
            .WithRegion(options.Region)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .Build();
        return new S3ObjectStore(client, options, url.GetLeftPart(UriPartial.Authority), logger ?? (ILogger)NullLogger.Instance);
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
            // The length must be known before sending: spool to a temp file.
            spool = TempFile();
            measured = await Hashing.CopyAsync(content, spool, cancellationToken);
            spool.Position = 0;
            body = spool;
        }

        try
        {
            await EnsureBucketAsync(cancellationToken);
            await _client.PutObjectAsync(
                new PutObjectArgs()
                    .WithBucket(_bucket)
                    .WithObject(key)
                    .WithStreamData(body)
                    .WithObjectSize(measured.Size)
                    .WithContentType(contentType),
                cancellationToken);
        }
        catch (Exception ex) when (IsServerFailure(ex))
        {
            throw Failure($"writing '{key}'", ex);
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
        var spool = TempFile();
        try
        {
            await EnsureBucketAsync(cancellationToken);
            await _client.GetObjectAsync(
                new GetObjectArgs()
                    .WithBucket(_bucket)
                    .WithObject(key)
                    .WithCallbackStream((stream, token) => stream.CopyToAsync(spool, token)),
                cancellationToken);
            spool.Position = 0;
            return new ObjectContent(spool, spool.Length);
        }
        catch (ObjectNotFoundException)
        {
            await spool.DisposeAsync();
            return null;
        }
        catch (Exception ex) when (IsServerFailure(ex))
        {
            await spool.DisposeAsync();
            throw Failure($"reading '{key}'", ex);
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        try
        {
            await EnsureBucketAsync(cancellationToken);
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(_bucket).WithObject(key), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            // removing a missing object is not an error
        }
        catch (Exception ex) when (IsServerFailure(ex))
        {
            throw Failure($"deleting '{key}'", ex);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _bucketCheck.Dispose();
    }

    /// <summary>Once per store: the bucket exists, or is created when allowed. A failed check is repeated by the next call.</summary>
    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady)
        {
            return;
        }

        await _bucketCheck.WaitAsync(cancellationToken);
        try
        {
            if (_bucketReady)
            {
                return;
            }

            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(_bucket), cancellationToken))
            {
                if (!_createBucket)
                {
                    throw new ObjectStorageException(
                        $"The bucket '{_bucket}' does not exist at {_endpoint}: create it, or set {Settings}CreateBucket to true to let fluidManager create it.");
                }

                await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(_bucket).WithLocation(_region), cancellationToken);
                Log.BucketCreated(_logger, _bucket, _endpoint);
            }

            _bucketReady = true;
        }
        finally
        {
            _bucketCheck.Release();
        }
    }

    /// <summary>What the server or the connection refused; cancellation, bad arguments and local I/O pass through.</summary>
    private static bool IsServerFailure(Exception exception) =>
        exception is MinioException or AuthorizationException or HttpRequestException;

    private ObjectStorageException Failure(string action, Exception exception)
    {
        var where = $"object storage at {_endpoint}, bucket '{_bucket}'";
        var message = exception switch
        {
            AuthorizationException or AccessDeniedException =>
                $"The {where} refused {action}: access denied. Check {Settings}AccessKey and {Settings}SecretKey, and that this key may use the bucket.",
            BucketNotFoundException =>
                $"The bucket '{_bucket}' does not exist at {_endpoint} ({action}): create it, or set {Settings}CreateBucket to true.",
            ConnectionException or HttpRequestException =>
                $"The {where} cannot be reached ({action}): check {Settings}ServiceUrl.",
            _ => $"The {where} failed {action}.",
        };
        if (exception is BucketNotFoundException)
        {
            _bucketReady = false;
        }

        return new ObjectStorageException($"{message} ({exception.GetType().Name}: {exception.Message})", exception);
    }

    private static FileStream TempFile() =>
        new(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
