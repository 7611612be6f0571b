using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace Baocao.Hosting;

/// <summary>
/// Kestrel reads each connection into blocks of its memory pool, one system call per block. Its own pool's blocks are
/// 4 KiB, so a scanned document of hundreds of megabytes, in tus chunks or a multipart body, costs a system call every
/// 4 KiB: about a third of the app's CPU for the bytes it forwards to storage. Blocks of 64 KiB cut those calls
/// sixteenfold. Kestrel takes its pool factory from the app's services (ASP.NET Core 10), the factory registered last
/// winning: <see cref="WebApplication.CreateBuilder()"/> registers Kestrel's before the app's own, so this one is used.
/// </summary>
public static class ReceiveBuffers
{
    public const int BlockSize = 64 * 1024;

    /// <summary>
    /// Idle blocks a pool keeps for the next reads: a few busy connections' worth (4 MiB), beyond which returned
    /// blocks are left to the garbage collector, so a burst of connections does not hold its memory for ever.
    /// </summary>
    public const int IdleBlocksKept = 64;

    public static IServiceCollection AddLargeReceiveBuffers(this IServiceCollection services) =>
        services.AddSingleton<IMemoryPoolFactory<byte>, PoolFactory>();

    private sealed class PoolFactory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new Pool();
    }

    private sealed class Pool : MemoryPool<byte>
    {
        private readonly ConcurrentQueue<Block> _idle = new();
        private volatile bool _disposed;

        public override int MaxBufferSize => BlockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            // Kestrel asks for at most a block; anything larger is served unpooled rather than refused.
            if (minBufferSize > BlockSize) return new Block(null, minBufferSize);
            if (!_idle.TryDequeue(out var block)) return new Block(this, BlockSize);
            block.Rented();
            return block;
        }

        private void Return(Block block)
        {
            if (!_disposed && _idle.Count < IdleBlocksKept) _idle.Enqueue(block);
        }

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            _idle.Clear();
        }

        /// <summary>An array on the pinned heap, so a socket read needs no pinning of its own.</summary>
        private sealed class Block(Pool? pool, int size) : IMemoryOwner<byte>
        {
            private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(size, pinned: true);
            private int _returned;

            public Memory<byte> Memory => MemoryMarshal.CreateFromPinnedArray(_array, 0, _array.Length);

            public void Rented() => Volatile.Write(ref _returned, 0);

            // Returned once however often it is disposed, so no two renters ever share it.
            public void Dispose()
            {
                if (Interlocked.Exchange(ref _returned, 1) == 0) pool?.Return(this);
            }
        }
    }
}
