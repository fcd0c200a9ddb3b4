using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FluidManager.Runtime.Grains;

/// <summary>A grain's identity: its registered type name and its key.</summary>
public readonly record struct GrainKey(string Type, string Key)
{
    /// <summary>A stable 64-bit hash of type and key: the grain's advisory-lock key.</summary>
    public long LockKey
    {
        get
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes($"{Type}/{Key}"), hash);
            return BinaryPrimitives.ReadInt64LittleEndian(hash);
        }
    }

    public override string ToString() => $"{Type}/{Key}";
}
