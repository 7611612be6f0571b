using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;

namespace Baocao.Submissions;

/// <summary>
/// Where an upload stood after this instance's last PATCH to it: the offset, the commit of the blocks up to it (still
/// under way, or done, with the blob's ETag it left), their ids, and the SHA-256 state over those bytes.
/// <see cref="Kept"/> when a PATCH here committed up to it (the blob exists, and the client follows this instance):
/// the PATCH going on from it may answer before its commit.
/// </summary>
public sealed record Progress(long Offset, Task<ETag> Commit, IReadOnlyList<string> Blocks, IncrementalHash Hash, bool Kept = false)
{
    /// <summary>The commit's end, whether it succeeded or failed.</summary>
    public ConfiguredTaskAwaitable CommitEnded => ((Task)Commit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
}

/// <summary>
/// The progress this instance keeps between PATCHes, so the next one reads neither the block list nor the bytes back.
/// Each is taken out by the PATCH that uses it, so only one PATCH holds it (and its hash state) at a time; should
/// another instance have written since, the commit's ETag condition fails and the next PATCH goes by the blob.
/// </summary>
public sealed class UploadProgress(UploadBlobs blobs)
{
    private readonly ConcurrentDictionary<string, Progress> _kept = new();

    /// <summary>Lets a commit this instance runs behind an answer finish, rather than race it by committing the same blocks.</summary>
    public async Task CommitEndedAsync(string id)
    {
        if (_kept.TryGetValue(id, out var kept)) await kept.CommitEnded;
    }

    /// <summary>
    /// Where a PATCH at <paramref name="offset"/> goes on from; null, with the offset the upload stands at, when that is
    /// another offset or the upload is complete. Kept progress whose commit failed is dropped, and any other offset is
    /// checked against the blob, which another instance may have moved on.
    /// </summary>
    public async Task<(Progress? From, long Committed)> StartAsync(Upload upload, long offset, CancellationToken cancellationToken)
    {
        if (_kept.TryRemove(upload.Id, out var kept))
        {
            if (kept.Offset == offset && !kept.Commit.IsFaulted) return (kept, offset);
            await kept.CommitEnded;
            kept.Hash.Dispose();
        }
        var (committed, tag, blocks) = await blobs.SettledAsync(upload, cancellationToken);
        return committed != offset || committed == upload.Length
            ? (null, committed)
            : (new Progress(committed, Task.FromResult(tag), blocks, await blobs.HashAsync(upload, committed, cancellationToken)), committed);
    }

    /// <summary>Keeps a PATCH's progress for the next one; false (the caller disposes it) when another PATCH kept its own meanwhile.</summary>
    public bool Keep(string id, Progress progress)
    {
        if (_kept.TryAdd(id, progress)) return true;
        if (_kept.TryRemove(id, out var other)) other.Hash.Dispose();
        return false;
    }

    /// <summary>Drops what is kept of an upload that is gone.</summary>
    public void Forget(string id)
    {
        if (_kept.TryRemove(id, out var kept)) kept.Hash.Dispose();
    }
}
