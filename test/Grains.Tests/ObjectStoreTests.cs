using System.Security.Cryptography;
using FluidManager.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Tests;

/// <summary>One contract, run against every store: what the grains and the Api may rely on.</summary>
public abstract class ObjectStoreContract
{
    protected abstract IObjectStore Store { get; }

    [Fact]
    public async Task Put_returns_size_and_sha256_and_get_returns_the_same_bytes()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var key = ObjectKeys.NewArtifactKey(1);

        var stored = await Store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream");

        stored.Key.Should().Be(key);
        stored.Size.Should().Be(bytes.Length);
        stored.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        stored.ContentType.Should().Be("application/octet-stream");
        (await ReadAsync(key)).Should().Equal(bytes);
    }

    [Fact]
    public async Task A_stream_that_cannot_seek_is_stored_whole()
    {
        var bytes = RandomNumberGenerator.GetBytes(100_000);
        var key = ObjectKeys.NewArtifactKey(1);

        var stored = await Store.PutAsync(key, new ForwardOnlyStream(bytes), "image/png");

        stored.Size.Should().Be(bytes.Length);
        (await ReadAsync(key)).Should().Equal(bytes);
    }

    [Fact]
    public async Task An_empty_object_and_a_replaced_object_read_back_as_written()
    {
        var key = ObjectKeys.NewArtifactKey(1);
        (await Store.PutAsync(key, new MemoryStream(), "text/plain")).Size.Should().Be(0);
        (await ReadAsync(key)).Should().BeEmpty();

        await Store.PutAsync(key, new MemoryStream([1, 2, 3]), "text/plain");

        (await ReadAsync(key)).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task A_missing_object_reads_as_null_and_delete_is_idempotent()
    {
        var key = ObjectKeys.NewArtifactKey(1);
        await Store.PutAsync(key, new MemoryStream([7]), "text/plain");

        await Store.DeleteAsync(key);
        await Store.DeleteAsync(key);

        (await Store.GetAsync(key)).Should().BeNull();
        (await Store.GetAsync(ObjectKeys.NewArtifactKey(2))).Should().BeNull();
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("companies/1/../../etc/passwd")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("back\\slash")]
    [InlineData("")]
    public async Task Keys_that_could_escape_or_are_malformed_are_refused(string key)
    {
        await Store.Invoking(s => s.PutAsync(key, new MemoryStream([1]), "text/plain")).Should().ThrowAsync<ArgumentException>();
        await Store.Invoking(s => s.GetAsync(key)).Should().ThrowAsync<ArgumentException>();
        await Store.Invoking(s => s.DeleteAsync(key)).Should().ThrowAsync<ArgumentException>();
    }

    private async Task<byte[]> ReadAsync(string key)
    {
        await using var content = await Store.GetAsync(key) ?? throw new InvalidOperationException($"{key} is missing");
        using var buffer = new MemoryStream();
        await content.Content.CopyToAsync(buffer);
        buffer.Length.Should().Be(content.Length);
        return buffer.ToArray();
    }

    /// <summary>Like a request body: readable once, no length, no seeking.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 4096));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class FileSystemObjectStoreTests : ObjectStoreContract, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fluid-fs-store-").FullName;

    public FileSystemObjectStoreTests() => Store = new FileSystemObjectStore(_root);

    protected override IObjectStore Store { get; }

    [Fact]
    public async Task Objects_are_files_under_the_root_and_no_partial_file_is_left()
    {
        var key = ObjectKeys.NewArtifactKey(5);

        await Store.PutAsync(key, new MemoryStream([1, 2]), "text/plain");

        File.Exists(Path.Combine(_root, key)).Should().BeTrue();
        Directory.GetFiles(_root, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

public sealed class S3ObjectStoreTests(S3rverFixture s3rver) : ObjectStoreContract, IClassFixture<S3rverFixture>
{
    protected override IObjectStore Store => s3rver.Store;

    [Fact]
    public async Task Wrong_credentials_are_an_error_naming_the_settings_not_a_missing_object()
    {
        var key = ObjectKeys.NewArtifactKey(1);
        await Store.PutAsync(key, new MemoryStream([1, 2, 3]), "text/plain");
        // s3rver checks the access key but not a V4 signature, so the wrong credential here is the key.
        using var wrong = s3rver.CreateStore(o => o.AccessKey = "NOT-A-KEY");

        var write = await wrong.Invoking(s => s.PutAsync(ObjectKeys.NewArtifactKey(1), new MemoryStream([1]), "text/plain")).Should().ThrowAsync<ObjectStorageException>();
        var read = await wrong.Invoking(s => s.GetAsync(key)).Should().ThrowAsync<ObjectStorageException>();

        foreach (var failure in new[] { write.Which, read.Which })
        {
            failure.Message.Should().Contain($"{s3rver.ServiceUrl}, bucket '{S3rverFixture.Bucket}'")
                .And.Contain("access denied")
                .And.Contain("Fluid:Storage:S3:AccessKey and Fluid:Storage:S3:SecretKey");
        }

        (await ReadBackAsync(key)).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task A_missing_bucket_is_an_error_naming_it_unless_the_store_may_create_it()
    {
        var bucket = $"fluid-new-{Guid.NewGuid():N}"[..30];
        var key = ObjectKeys.NewArtifactKey(3);
        using var strict = s3rver.CreateStore(o => o.Bucket = bucket);

        var missing = await strict.Invoking(s => s.GetAsync(key)).Should().ThrowAsync<ObjectStorageException>();
        missing.Which.Message.Should().StartWith($"The bucket '{bucket}' does not exist at {s3rver.ServiceUrl}").And.Contain("Fluid:Storage:S3:CreateBucket");

        using var creating = s3rver.CreateStore(o => (o.Bucket, o.CreateBucket) = (bucket, true));
        await creating.PutAsync(key, new MemoryStream([9, 8]), "text/plain");
        await using var read = await strict.GetAsync(key);
        read.Should().NotBeNull("the bucket now exists");
        read!.Length.Should().Be(2);
    }

    [Fact]
    public async Task An_unreachable_server_is_an_error_naming_the_endpoint_setting()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var nowhere = s3rver.CreateStore(o => o.ServiceUrl = $"http://127.0.0.1:{port}");

        var failure = await nowhere.Invoking(s => s.GetAsync(ObjectKeys.NewArtifactKey(1))).Should().ThrowAsync<ObjectStorageException>();

        failure.Which.Message.Should().Contain($"http://127.0.0.1:{port}").And.Contain("cannot be reached").And.Contain("Fluid:Storage:S3:ServiceUrl");
    }

    private async Task<byte[]> ReadBackAsync(string key)
    {
        await using var content = await Store.GetAsync(key) ?? throw new InvalidOperationException($"{key} is missing");
        using var buffer = new MemoryStream();
        await content.Content.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}

public sealed class ObjectStorageOptionsTests
{
    [Fact]
    public async Task An_s3_store_without_bucket_or_keys_refuses_to_start_and_names_the_settings()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Fluid:Storage:Kind"] = "s3" });
        builder.AddObjectStorage();
        using var host = builder.Build();

        var start = () => host.StartAsync();

        var failure = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.Failures.Should().BeEquivalentTo(
            "Fluid:Storage:S3:Bucket is required when Fluid:Storage:Kind is s3.",
            "Fluid:Storage:S3:AccessKey is required when Fluid:Storage:Kind is s3.",
            "Fluid:Storage:S3:SecretKey is required when Fluid:Storage:Kind is s3.");
    }

    [Theory]
    [InlineData("minio:9000")]
    [InlineData("ftp://minio:9000")]
    [InlineData("http://minio:9000/bucket")]
    public async Task An_s3_endpoint_that_is_not_an_http_or_https_root_url_refuses_to_start(string serviceUrl)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fluid:Storage:Kind"] = "s3",
            ["Fluid:Storage:S3:ServiceUrl"] = serviceUrl,
            ["Fluid:Storage:S3:Bucket"] = "b",
            ["Fluid:Storage:S3:AccessKey"] = "k",
            ["Fluid:Storage:S3:SecretKey"] = "s",
        });
        builder.AddObjectStorage();
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().ContainSingle()
            .Which.Should().StartWith("Fluid:Storage:S3:ServiceUrl must be an http or https URL without a path");
    }

    [Fact]
    public void The_filesystem_store_is_the_default_under_the_content_root()
    {
        var root = Directory.CreateTempSubdirectory("fluid-content-").FullName;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root });
            builder.AddObjectStorage();
            using var host = builder.Build();

            var store = host.Services.GetService(typeof(IObjectStore));

            store.Should().BeOfType<FileSystemObjectStore>().Which.Root.Should().Be(Path.Combine(root, ".data", "objects"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
