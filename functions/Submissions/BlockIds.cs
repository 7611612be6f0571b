using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Baocao.Submissions;

/// <summary>
/// Names of staged blocks that say where they start: 8 bytes of offset, then 4 random ones so two requests staging at
/// the same offset never replace each other's block. All are the same length, as a block blob requires.
/// </summary>
public static class BlockIds
{
    public static string At(long offset)
    {
        Span<byte> id = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(id, offset);
        RandomNumberGenerator.Fill(id[8..]);
        return Convert.ToBase64String(id);
    }

    /// <summary>Where the block named <paramref name="id"/> starts; -1 for a name of another shape.</summary>
    public static long OffsetOf(string id)
    {
        Span<byte> bytes = stackalloc byte[12];
        return Convert.TryFromBase64String(id, bytes, out var written) && written == 12 ? BinaryPrimitives.ReadInt64BigEndian(bytes) : -1;
    }
}
