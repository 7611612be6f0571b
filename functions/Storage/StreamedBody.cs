using Azure.Core;
using Azure.Core.Pipeline;

namespace Baocao.Storage;

/// <summary>
/// Marks the storage requests whose body streams from a client as it arrives (a tus chunk's blocks). Such a request
/// lasts as long as the client takes to send, so the per-try network timeout, which bounds a whole request, is lifted
/// for it; the caller bounds it by storage's own progress instead (see <c>BlockStreamer</c>).
/// </summary>
public sealed class StreamedBody : HttpPipelineSynchronousPolicy
{
    private const string Property = "Baocao.StreamedBody";

    /// <summary>Requests the storage client makes within this scope are streamed ones.</summary>
    public static IDisposable Scope() => HttpPipeline.CreateHttpMessagePropertiesScope(new Dictionary<string, object?> { [Property] = true });

    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.TryGetProperty(Property, out _)) message.NetworkTimeout = Timeout.InfiniteTimeSpan;
    }
}
