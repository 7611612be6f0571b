using System.Threading.Channels;
using Azure;

namespace Baocao.Submissions;

/// <summary>
/// Owns the commits that run behind a PATCH's answer: each is awaited here and its failure logged (the next request
/// commits those blocks from the blob), and those still running when the app stops are awaited before its storage
/// clients go. Once stopping, it takes no more, and the PATCH awaits its own commit.
/// </summary>
public sealed partial class BackgroundCommits(ILogger<BackgroundCommits> logger) : BackgroundService
{
    private sealed record Pending(string UploadId, long Offset, Task<ETag> Commit);

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Takes the commit of an upload's blocks up to <paramref name="offset"/>; false when the app is stopping.</summary>
    public bool TryOwn(string uploadId, long offset, Task<ETag> commit) => _pending.Writer.TryWrite(new Pending(uploadId, offset, commit));

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    /// <summary>Not stopped by the stopping token: the commits taken are drained until the writer completes.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var pending in _pending.Reader.ReadAllAsync(CancellationToken.None))
        {
            await ((Task)pending.Commit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (pending.Commit.Exception is { } failed) LogCommitFailed(logger, pending.UploadId, pending.Offset, failed.InnerException!);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Upload {UploadId}: committing its blocks up to {Offset} behind the answer failed; the next request commits them from the blob")]
    private static partial void LogCommitFailed(ILogger logger, string uploadId, long offset, Exception error);
}
