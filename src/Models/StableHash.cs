using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FluidManager.Models;

/// <summary>A hash that is the same on every machine and every run (SHA-256 bits), unlike <see cref="string.GetHashCode()"/>.</summary>
internal static class StableHash
{
    public static ulong Of(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        if (max <= 512)
        {
            Span<byte> bytes = stackalloc byte[max];
            var length = Encoding.UTF8.GetBytes(text, bytes);
            SHA256.HashData(bytes[..length], digest);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }

    public static ulong Of(ulong seed, string text) => Of($"{seed:x16}|{text}");

    /// <summary>Incremental hash of many parts, each length-prefixed so that part boundaries count.</summary>
    public sealed class Builder : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public Builder Add(string? part)
        {
            var bytes = Encoding.UTF8.GetBytes(part ?? "\0null");
            Span<byte> prefix = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(prefix, bytes.Length);
            _hash.AppendData(prefix);
            _hash.AppendData(bytes);
            return this;
        }

        public ulong Finish()
        {
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            _hash.GetHashAndReset(digest);
            return BinaryPrimitives.ReadUInt64LittleEndian(digest);
        }

        public void Dispose() => _hash.Dispose();
    }
}
