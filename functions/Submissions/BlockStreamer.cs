using System.Security.Cryptography;
using Azure.Storage.Blobs.Specialized;
using Baocao.Storage;

namespace Baocao.Submissions;

/// <summary>
/// Stages a request body of known length (a tus chunk) as blocks of up to 8 MiB, each sent to storage while its bytes
/// arrive: nothing of the chunk waits in memory, and storage is at work from the chunk's first bytes rather than from
/// when a buffered block has filled. Blocks go one after another. The SHA-256 takes each byte as it passes and falls
/// back to the last whole block when a block fails, so <see cref="Blocks"/>, <see cref="Bytes"/> and <see cref="Hash"/>
/// always describe exactly the staged prefix, as a client breaking off half way leaves it. Each block's id tells where
/// in the file it starts (<see cref="BlockIds"/>), so staged blocks can be found again in order after a restart.
/// </summary>
/// <remarks>
/// A block's storage request lasts as long as the client sends, so storage is held to <paramref name="stallTimeout"/>
/// for each piece instead of the per-try timeout; why, and why a failed try cannot be repeated, is in docs/uploads.md.
/// </remarks>
public sealed class BlockStreamer(BlockBlobClient blob, long offset, IncrementalHash hash, TimeSpan stallTimeout)
{
    public const int BlockSize = 8 * 1024 * 1024;

    public List<string> Blocks { get; } = [];

    public long Bytes { get; private set; }

    /// <summary>The SHA-256 state over the staged bytes: the one given, or the copy taken before a block that failed.</summary>
    public IncrementalHash Hash { get; private set; } = hash;

    /// <summary>
    /// Stages <paramref name="length"/> bytes: <paramref name="head"/>, read already to check the file's type, then the
    /// rest from <paramref name="body"/>. Throws what stopped it; the blocks staged before stay counted.
    /// </summary>
    /// <param name="after">
    /// A commit of the block list still under way: the first block's last bytes wait for it to end, as it succeeds or
    /// fails. A commit discards every staged block it does not name, so no block of this body may be staged before it.
    /// </param>
    public async Task StageAsync(ReadOnlyMemory<byte> head, Stream body, long length, Task after, CancellationToken cancellationToken)
    {
        while (Bytes < length)
        {
            var size = Math.Min(BlockSize, length - Bytes);
            var id = BlockIds.At(offset + Bytes);
            using var stall = new StallClock(cancellationToken, stallTimeout);
            var block = new BodyBlock(head, body, size, Hash, after, stall);
            head = ReadOnlyMemory<byte>.Empty;
            after = Task.CompletedTask;
            var before = Hash.Clone();
            try
            {
                using (StreamedBody.Scope()) await blob.StageBlockAsync(id, block, cancellationToken: stall.Token);
            }
            catch
            {
                // The HTTP client may go on reading the block in the background for a moment: it leaves the hash alone.
                block.Abandon();
                Hash.Dispose();
                Hash = before;
                throw;
            }
            before.Dispose();
            Blocks.Add(id);
            Bytes += size;
        }
    }

    /// <summary>The time storage has to take each piece of a block, running from the start: a block that outlasts it fails.</summary>
    private sealed class StallClock : IDisposable
    {
        private readonly CancellationTokenSource _stall;
        private readonly TimeSpan _timeout;

        public StallClock(CancellationToken cancellationToken, TimeSpan timeout)
        {
            (_stall, _timeout) = (CancellationTokenSource.CreateLinkedTokenSource(cancellationToken), timeout);
            Restart();
        }

        public CancellationToken Token => _stall.Token;

        public void Pause() => _stall.CancelAfter(Timeout.InfiniteTimeSpan);

        public void Restart() => _stall.CancelAfter(_timeout);

        public void Dispose() => _stall.Dispose();
    }

    /// <summary>
    /// One block's bytes as the storage client reads them: forward only, hashed as they go, the last piece held back until
    /// <paramref name="after"/> has ended, and each piece handed over starts the clock storage has to take it.
    /// </summary>
    private sealed class BodyBlock(
        ReadOnlyMemory<byte> head, Stream body, long length, IncrementalHash hash, Task after, StallClock stall)
        : Stream
    {
        private ReadOnlyMemory<byte> _head = head;
        private long _read;
        private volatile bool _abandoned;

        public override bool CanRead => true;

        // The storage client asks for a seekable body to learn its length, and seeks back to the start before each try:
        // only a try before the first read can be made again.
        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _read;
            set => Seek(value, SeekOrigin.Begin);
        }

        /// <summary>The block failed: a read still under way stops before it hashes anything.</summary>
        public void Abandon() => _abandoned = true;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read == length || buffer.IsEmpty) return 0;
            ObjectDisposedException.ThrowIf(_abandoned, this);
            // Waiting for the client is not storage stalling.
            stall.Pause();
            var wanted = buffer[..(int)Math.Min(buffer.Length, length - _read)];
            int read;
            if (!_head.IsEmpty)
            {
                read = Math.Min(_head.Length, wanted.Length);
                _head[..read].CopyTo(wanted);
                _head = _head[read..];
            }
            else
            {
                read = await body.ReadAsync(wanted, cancellationToken);
                if (read == 0) throw new IOException("The request body ended before its Content-Length.");
            }
            // Storage cannot finish the block before it has every byte. The commit waited for has its own timeout.
            if (_read + read == length) await after.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ObjectDisposedException.ThrowIf(_abandoned, this);
            hash.AppendData(wanted.Span[..read]);
            _read += read;
            stall.Restart();
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _read + offset,
                _ => length + offset,
            };
            return target == _read ? _read : throw new IOException("A streamed block cannot be sent again: its bytes have gone by.");
        }

        // Only the asynchronous path streams; a blocking read would hold a thread for as long as the client takes.
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush() { }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
