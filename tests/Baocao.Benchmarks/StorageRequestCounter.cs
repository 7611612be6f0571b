using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Baocao.Benchmarks;

/// <summary>
/// Counts the app's storage requests as the Azure SDK sends them (retries included), by service and kind, so a
/// scenario can say how many requests one operation costs. Attachment blocks are counted apart: they scale with
/// the file, not with the operation.
/// </summary>
public sealed class StorageRequestCounter(int blobPort, int queuePort, int tablePort) : HttpPipelineSynchronousPolicy
{
    public const string AttachmentBlock = "blob: put block";

    private readonly ConcurrentDictionary<string, int> _counts = new();

    public override void OnSendingRequest(HttpMessage message) => _counts.AddOrUpdate(Classify(message.Request), 1, (_, n) => n + 1);

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_counts);

    /// <summary>What was sent since <paramref name="before"/>, kind by kind.</summary>
    public IReadOnlyDictionary<string, int> Since(IReadOnlyDictionary<string, int> before) =>
        _counts.ToDictionary(c => c.Key, c => c.Value - before.GetValueOrDefault(c.Key)).Where(c => c.Value > 0).ToDictionary();

    private string Classify(Request request)
    {
        var uri = request.Uri.ToUri();
        var query = uri.Query;
        var method = request.Method.Method;
        if (uri.Port == blobPort)
        {
            if (query.Contains("comp=blocklist", StringComparison.Ordinal)) return "blob: commit block list";
            return query.Contains("comp=block", StringComparison.Ordinal) ? AttachmentBlock : $"blob: {method}";
        }
        if (uri.Port == queuePort) return $"queue: {method}";
        if (uri.Port == tablePort)
        {
            if (uri.AbsolutePath.EndsWith("$batch", StringComparison.Ordinal)) return "table: batch";
            return method == "GET" ? "table: read" : "table: write";
        }
        return $"other: {method}";
    }
}
