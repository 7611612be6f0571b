using System.Buffers;
using System.Security.Cryptography;
using Azure.Storage.Blobs.Specialized;

namespace Baocao.Submissions;

/// <summary>
/// Appends a stream of unknown length (a file part of a multipart body) to a block blob as staged blocks of up to
/// 4 MiB, each read into a pooled buffer, checked, and staged while the next one is read (a few in flight keep both the
/// request and storage busy). Pieces are hashed and counted in order once staged, so <see cref="Blocks"/>,
/// <see cref="Bytes"/> and the hash always describe exactly a prefix of the stream that is staged, even when the stream
/// breaks off half way. A body of known length (a tus chunk) goes through <see cref="BlockStreamer"/> instead.
/// </summary>
public sealed class BlockAppender(BlockBlobClient blob, IncrementalHash hash)
{
    public const int BlockSize = 4 * 1024 * 1024;

    /// <summary>Blocks uploading at once: memory stays at this many buffers whatever the file's size.</summary>
    public const int InFlight = 3;

    private sealed record Piece(byte[] Buffer, int Filled, string Id, Task Staged);

    public List<string> Blocks { get; } = [];

    public long Bytes { get; private set; }

    /// <summary>
    /// Stages the stream; stops at the first piece <paramref name="check"/> refuses (given the piece and the bytes
    /// read before it). <paramref name="blockId"/> names the block with the given index within this append.
    /// </summary>
    public async Task<AttachmentRefusal?> AppendAsync(
        Stream content, Func<ReadOnlyMemory<byte>, long, AttachmentRefusal?> check, Func<int, string> blockId, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Piece>();
        long read = 0;
        try
        {
            for (var index = 0; ; index++)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                int filled;
                try
                {
                    filled = await FillAsync(content, buffer, cancellationToken);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                if (filled == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    while (inFlight.Count > 0) await CompleteOldestAsync(inFlight);
                    return null;
                }
                if (check(buffer.AsMemory(0, filled), read) is { } refusal)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return refusal;
                }
                var id = blockId(index);
                inFlight.Enqueue(new Piece(buffer, filled, id, blob.StageBlockAsync(id, new MemoryStream(buffer, 0, filled, writable: false), cancellationToken: cancellationToken)));
                read += filled;
                if (inFlight.Count >= InFlight) await CompleteOldestAsync(inFlight);
            }
        }
        finally
        {
            // A refusal or a broken stream stops the reading: what is still uploading is waited for (no buffer goes back
            // to the pool while the SDK reads it), and the pieces that did stage still count, in order.
            var counting = true;
            while (inFlight.Count > 0)
            {
                var piece = inFlight.Dequeue();
                try
                {
                    await piece.Staged;
                    if (counting) Count(piece);
                }
                catch (Exception error) when (error is Azure.RequestFailedException or IOException or OperationCanceledException)
                {
                    counting = false;
                }
                ArrayPool<byte>.Shared.Return(piece.Buffer);
            }
        }
    }

    private async Task CompleteOldestAsync(Queue<Piece> inFlight)
    {
        await inFlight.Peek().Staged;
        var piece = inFlight.Dequeue();
        Count(piece);
        ArrayPool<byte>.Shared.Return(piece.Buffer);
    }

    private void Count(Piece piece)
    {
        hash.AppendData(piece.Buffer, 0, piece.Filled);
        Blocks.Add(piece.Id);
        Bytes += piece.Filled;
    }

    /// <summary>Reads until the block is full or the stream ends, so every staged block but the last is whole.</summary>
    private async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < BlockSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, BlockSize - filled), cancellationToken);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}
