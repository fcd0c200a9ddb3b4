using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Hosting;

/// <summary>
/// Enforces the request body limit: <see cref="ApiOptions.MaxRequestBodyBytes"/>, or the endpoint's
/// own <see cref="IRequestSizeLimitMetadata"/>. A declared length over the limit is refused at
/// once with 413; a chunked body of a small-limit endpoint is read ahead (it is JSON, at most the
/// limit) so that an overflow is a 413 too, not a broken connection. Bodies of endpoints with a
/// larger limit stream through a counting wrapper, and the server's own limit is set to match.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var declared = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>();
        var limit = declared is null ? options.Value.MaxRequestBodyBytes : declared.MaxRequestBodySize;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = limit;
        }

        if (limit is not { } max || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }

        if (context.Request.ContentLength is { } length)
        {
            if (length > max)
            {
                await TooLargeAsync(context, max);
                return;
            }
        }
        else if (max <= options.Value.MaxRequestBodyBytes)
        {
            var buffer = new MemoryStream();
            var read = await CopyAtMostAsync(context.Request.Body, buffer, max + 1, context.RequestAborted);
            if (read > max)
            {
                await TooLargeAsync(context, max);
                return;
            }

            buffer.Position = 0;
            context.Request.Body = buffer;
            context.Response.RegisterForDispose(buffer);
        }
        else
        {
            context.Request.Body = new LimitedReadStream(context.Request.Body, max);
        }

        await next(context);
    }

    private static Task TooLargeAsync(HttpContext context, long max) =>
        Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.", $"This endpoint accepts bodies of at most {max} bytes.", "body_too_large");

    private static async Task<long> CopyAtMostAsync(Stream source, Stream target, long most, CancellationToken cancellationToken)
    {
        var chunk = new byte[16 * 1024];
        long total = 0;
        while (total < most)
        {
            var read = await source.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, most - total)), cancellationToken);
            if (read == 0)
            {
                break;
            }

            await target.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
            total += read;
        }

        return total;
    }

    /// <summary>A read-only body that throws a 413 <see cref="BadHttpRequestException"/> past its limit.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge)
                : read;
        }
    }
}

/// <summary>Per-endpoint body limits for <see cref="RequestBodyLimitMiddleware"/>.</summary>
public static class RequestBodyLimitExtensions
{
    /// <summary>Lets an endpoint accept bodies of up to <paramref name="maxBytes"/> (null: no limit), such as uploads.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long? maxBytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(maxBytes));

    private sealed class BodyLimit(long? maxBytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => maxBytes;
    }
}
