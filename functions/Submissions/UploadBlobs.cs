using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Baocao.Storage;
using Microsoft.Extensions.Options;

namespace Baocao.Submissions;

/// <summary>The committed bytes of an upload, the blob's ETag that guards the next commit, and the block ids it extends.</summary>
public sealed record SettledBlocks(long Offset, ETag Tag, List<string> Blocks);

/// <summary>
/// The uploads' bytes in Blob Storage: one block blob each, whose committed blocks are the bytes received, and whose
/// staged blocks, each named by the offset it starts at, carry on from them until committed.
/// </summary>
public sealed class UploadBlobs(BlobServiceClient blobs, IOptions<StorageOptions> storage)
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.AttachmentsContainer);

    /// <summary>A streamer of a PATCH body into blocks from <paramref name="offset"/>, hashing on from <paramref name="hash"/>.</summary>
    public BlockStreamer Streamer(Upload upload, long offset, IncrementalHash hash) =>
        new(_container.GetBlockBlobClient(upload.BlobName), offset, hash, storage.Value.NetworkTimeout);

    /// <summary>
    /// Makes <paramref name="blocks"/> the blob, on the condition that it is still as it was at <paramref name="tag"/>
    /// (none: that it does not exist yet); the blob's new ETag.
    /// </summary>
    public async Task<ETag> CommitAsync(Upload upload, List<string> blocks, ETag tag, CancellationToken cancellationToken) =>
        (await _container.GetBlockBlobClient(upload.BlobName).CommitBlockListAsync(blocks, new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = upload.ContentType },
            Metadata = new Dictionary<string, string> { ["filename"] = Uri.EscapeDataString(upload.FileName) },
            Conditions = tag == default ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = tag },
        }, cancellationToken)).Value.ETag;

    /// <summary>
    /// A commit that another request's commit came before: the blob's ETag moved on (or it exists already), or a staged
    /// block the list names was discarded by that commit.
    /// </summary>
    public static bool LostRace(RequestFailedException error) =>
        error.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed || error.ErrorCode == BlobErrorCode.InvalidBlockList;

    /// <summary>
    /// The bytes the upload holds, committed: the blob's committed blocks, then the staged blocks that carry on from them
    /// in order (answered before a commit that never came, as the app stopped or storage failed it), committed now. One
    /// request when nothing waits.
    /// </summary>
    public async Task<SettledBlocks> SettledAsync(Upload upload, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlockBlobClient(upload.BlobName);
        // Each round that fails its condition finds the blob moved on by another request's commit, so the rounds end.
        while (true)
        {
            Response<BlockList> list;
            try
            {
                list = await blob.GetBlockListAsync(BlockListTypes.All, cancellationToken: cancellationToken);
            }
            catch (RequestFailedException error) when (error.Status == StatusCodes.Status404NotFound)
            {
                return new SettledBlocks(0, default, []);
            }
            var tag = list.GetRawResponse().Headers.ETag ?? default;
            var (committed, settled, blocks) = CarryOn(list.Value, upload.Length);
            if (settled == committed) return new SettledBlocks(committed, tag, blocks);
            try
            {
                return new SettledBlocks(settled, await CommitAsync(upload, blocks, tag, cancellationToken), blocks);
            }
            catch (RequestFailedException error) when (LostRace(error))
            {
            }
        }
    }

    /// <summary>The committed bytes, and the bytes and block ids once the staged blocks that carry on from them are added.</summary>
    private static (long Committed, long Settled, List<string> Blocks) CarryOn(BlockList list, long length)
    {
        var blocks = list.CommittedBlocks.Select(b => b.Name).ToList();
        var committed = list.CommittedBlocks.Sum(b => b.SizeLong);
        var staged = list.UncommittedBlocks.GroupBy(b => BlockIds.OffsetOf(b.Name)).ToDictionary(g => g.Key, g => g.MaxBy(b => b.SizeLong));
        var settled = committed;
        while (staged.TryGetValue(settled, out var next) && settled + next.SizeLong <= length)
        {
            blocks.Add(next.Name);
            settled += next.SizeLong;
        }
        return (committed, settled, blocks);
    }

    /// <summary>The SHA-256 state over the first <paramref name="offset"/> bytes, read back from the blob.</summary>
    public async Task<IncrementalHash> HashAsync(Upload upload, long offset, CancellationToken cancellationToken)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (offset == 0) return hash;
        var download = await _container.GetBlobClient(upload.BlobName).DownloadStreamingAsync(
            new BlobDownloadOptions { Range = new HttpRange(0, offset) }, cancellationToken);
        await using var content = download.Value.Content;
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0) hash.AppendData(buffer, 0, read);
        return hash;
    }

    /// <summary>The SHA-256 of the whole file, read back from the blob.</summary>
    public async Task<string> Sha256Async(Upload upload, CancellationToken cancellationToken)
    {
        using var hash = await HashAsync(upload, upload.Length, cancellationToken);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public Task DeleteAsync(Upload upload, CancellationToken cancellationToken) =>
        _container.DeleteBlobIfExistsAsync(upload.BlobName, cancellationToken: cancellationToken);
}
